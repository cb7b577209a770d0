import type { DeviceFault } from '../devices/sim-device.js';
import { type HouseholdEffects, NO_EFFECTS } from '../model/effects.js';
import type { Incident } from './incidents.js';

/** Translates the incidents touching one household (directly or via its gateway) into model effects. */
export function householdEffects(
  incidents: readonly Incident[],
  householdId: string,
  gatewayId: string,
): HouseholdEffects {
  const mine = incidents.filter((i) => i.household === householdId);
  if (mine.length === 0 && !incidents.some((i) => i.kind === 'power_outage' && i.gateway === gatewayId))
    return NO_EFFECTS;
  const win = (i: Incident) => ({ start: i.start, end: i.end });
  const of = (...kinds: Incident['kind'][]) => mine.filter((i) => kinds.includes(i.kind)).map(win);
  const decline = mine.find((i) => i.kind === 'gradual_decline');
  return {
    suppress: of('no_wake', 'collapse', 'away'),
    away: of('away'),
    taps: mine
      .filter((i) => i.kind === 'tap_left_running')
      .map((i) => ({ ...win(i), lpm: Number(i.detail?.lpm ?? 6) })),
    wander: of('night_wandering'),
    ...(decline ? { decline: win(decline) } : {}),
    outages: incidents.filter((i) => i.kind === 'power_outage' && i.gateway === gatewayId).map(win),
  };
}

export interface FaultState {
  fault: DeviceFault;
  exception?: number;
}

/**
 * The fault a device shows at time t: its own injected faults, or silence because the building's
 * mains is off (mains-powered devices only) — battery devices keep answering through an outage.
 */
export function deviceFaultAt(
  incidents: readonly Incident[],
  deviceId: string,
  gatewayId: string,
  mainsPowered: boolean,
  t: number,
): FaultState {
  for (const i of incidents) {
    if (t < i.start || t >= i.end) continue;
    if (i.kind === 'power_outage' && mainsPowered && i.gateway === gatewayId) return { fault: 'silent' };
    if (i.device !== deviceId) continue;
    if (i.kind === 'device_timeout') return { fault: 'silent' };
    if (i.kind === 'device_stuck') return { fault: 'stuck' };
    if (i.kind === 'device_garbage') return { fault: 'garbage' };
    if (i.kind === 'device_exception')
      return { fault: Number(i.detail?.exception ?? 6) === 4 ? 'failure' : 'busy' };
  }
  return { fault: 'none' };
}
