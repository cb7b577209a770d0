import type { Incident } from './scenarios/incidents.js';

/** What to simulate. The defaults are the small demo community of the issue. */
export interface CommunitySpec {
  seed?: number;
  /** Households of elders living alone, each with a water meter, a power meter and a door sensor. */
  households: number;
  envSensors: number;
  bins: number;
  /** Gateways (Modbus buses); default: enough for 240 units each, at least 2 when there are devices. */
  gateways?: number;
  /** Which meters each household has; default all three. */
  householdDevices?: ReadonlyArray<'water' | 'power' | 'door'>;
  /**
   * Injected incidents: a list (scripted scenarios), or 'generate' to draw them for `days` days from
   * the start (see scenarios/generate.ts). Default: none.
   */
  incidents?: Incident[] | { generate: { days: number; intensity?: number } };
  /** Local hour of the sim's own daily bin collection; null: bins are emptied only via emptyBin(). */
  binCollectionHour?: number | null;
}

export const DEMO_COMMUNITY: CommunitySpec = { households: 40, envSensors: 4, bins: 20, gateways: 2 };

/** Modbus allows unit ids 1-247 on one bus; leave a few for installers' spare devices. */
export const UNITS_PER_GATEWAY = 240;
