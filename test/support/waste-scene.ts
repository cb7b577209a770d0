/**
 * A small community for the waste service tests: bins registered with a fill sensor each, and 14
 * days of hourly fill readings (filling 06:00-22:00, emptied at 10:00 by the old fixed round), on
 * SQLite stores and a manual clock set to the morning planning run.
 */
import { afterAll, beforeAll } from 'vitest';
import { SqliteTimeseriesStore } from '../../cloud/src/adapters/sqlite-timeseries.js';
import { offsetByMetres } from '../../cloud/src/modules/waste-routing/geo.js';
import { InMemoryUrgentBinAlerts } from '../../cloud/src/modules/waste-routing/urgent-alerts.js';
import {
  DEFAULT_WASTE_CONFIG,
  type WasteRoutingConfig,
} from '../../cloud/src/modules/waste-routing/waste-routing.config.js';
import type { RoundView } from '../../cloud/src/modules/waste-routing/waste-routing.model.js';
import { WasteRoutingService } from '../../cloud/src/modules/waste-routing/waste-routing.service.js';
import type { StoredReading } from '../../cloud/src/ports/timeseries-store.js';
import { type Harness, sqliteBackend, startHarness } from '../cloud/relational/harness.js';
import { makeTempDir } from '../helpers/temp-dir.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Monday 2025-03-03 05:30 local (UTC+8): the morning planning run. */
export const PLAN_AT = Date.UTC(2025, 2, 3, 5, 30) - 8 * HOUR;
export const BIN_LITRES = 240;
const CENTER = { lat: 31.23, lon: 121.47 };

/** [name, % per hour between 06:00 and 22:00, east metres, north metres] */
export type SceneBin = [string, number, number, number];

/** Hourly fill readings; `hot`: the last one reports a fire (72 °C, fire alarm). */
/**
 * At the 09:30 round: three due bins (~78 %, mandatory, ~186 L each: one 1000 L trip with ~440 L
 * of room), three warm ones (~37 %, ~76 % by tomorrow's round: not due, under the 50 % optional
 * level) that top a trip up, and a cold one (~8 %, under the 15 % keep level).
 */
export const DUE_WARM_COLD: readonly SceneBin[] = [
  ['due-1', 5, 0, 0],
  ['due-2', 5, 120, 0],
  ['due-3', 5, 240, 0],
  ['warm-1', 2.4, 0, 90],
  ['warm-2', 2.4, 120, 90],
  ['warm-3', 2.4, 240, 90],
  ['cold-1', 0.5, 360, 90],
];

export function fillHistory(device: string, perHour: number, hot = false): StoredReading[] {
  const out: StoredReading[] = [];
  let fill = 0;
  let seq = 0;
  for (let t = PLAN_AT - 14 * DAY; t <= PLAN_AT - HOUR / 2; t += HOUR) {
    const hour = new Date(t + 8 * HOUR).getUTCHours();
    if (hour === 10) fill = 0;
    if (hour >= 6 && hour < 22) fill = Math.min(100, fill + perHour);
    const last = t + HOUR > PLAN_AT - HOUR / 2;
    out.push({
      gatewayId: 'gw-1',
      device,
      ts: t,
      seq: seq++,
      quality: 'good',
      values: {
        fill_pct: fill,
        temperature_c: hot && last ? 72 : 18,
        tilt_deg: 1,
        tilted: false,
        fire_alarm: hot && last,
      },
    });
  }
  return out;
}

export interface WasteScene {
  h: Harness;
  ts: SqliteTimeseriesStore;
  /** Registry bin id -> the scene's bin name. */
  name: Map<string, string>;
  /** A waste service on the scene's stores and clock, with urgent alerts kept in memory. */
  service(config: WasteRoutingConfig): WasteRoutingService;
  close(): Promise<void>;
}

export async function startWasteScene(tag: string, bins: readonly SceneBin[]): Promise<WasteScene> {
  const dir = makeTempDir(tag);
  const backend = sqliteBackend();
  const ts = new SqliteTimeseriesStore(`${dir.path}/ts.db`);
  const h = await startHarness(backend);
  h.clock.t = PLAN_AT;
  const name = new Map<string, string>();
  await h.module.registry.createGateway({ id: 'gw-1', name: 'gw' });
  for (const [bin, rate, east, north] of bins) {
    await h.module.registry.createDevice(`dev-${bin}`, { gatewayId: 'gw-1', profile: 'linli-bin-500' });
    await ts.write(fillHistory(`dev-${bin}`, rate));
    const b = await h.module.registry.createBin({
      name: `Building ${bin}`,
      ...offsetByMetres(CENTER, east, north),
      capacityLiters: BIN_LITRES,
      deviceId: `dev-${bin}`,
    });
    name.set(b.id, bin);
  }
  return {
    h,
    ts,
    name,
    service: (config) =>
      new WasteRoutingService(h.store, ts, h.module.registry, new InMemoryUrgentBinAlerts(), h.clock, config),
    close: async () => {
      await h.close();
      await ts.close();
      await backend.stop();
      dir.remove();
    },
  };
}

/** The scene for the tests of the describe block it is called in; read it with the returned function. */
export function useWasteScene(tag: string, bins: readonly SceneBin[]): () => WasteScene {
  let scene: WasteScene | undefined;
  beforeAll(async () => {
    scene = await startWasteScene(tag, bins);
  });
  afterAll(async () => {
    await scene?.close();
  });
  return () => {
    if (!scene) throw new Error('the waste scene has not started');
    return scene;
  };
}

/** A small truck (1,000 L) so a handful of 240 L bins fills a trip: the scene's depot and station. */
export const SMALL_TRUCK_LITRES = 1000;
/** What a plan fills of it: planLoadPct (95 %) of the payload. */
export const SMALL_TRUCK_PLANNED_LITRES = (DEFAULT_WASTE_CONFIG.fleet.planLoadPct / 100) * SMALL_TRUCK_LITRES;

export function smallTruckConfig(overrides: Partial<WasteRoutingConfig> = {}): WasteRoutingConfig {
  return {
    ...DEFAULT_WASTE_CONFIG,
    depot: { lat: 31.23, lon: 121.465 },
    dump: { lat: 31.25, lon: 121.49 },
    fleet: { ...DEFAULT_WASTE_CONFIG.fleet, capacityLiters: SMALL_TRUCK_LITRES },
    timeLimitMs: 30_000,
    maxIterations: 20_000,
    ...overrides,
  };
}

/** A round's bin stops (no depot or station), truck after truck. */
export const binStops = (r: RoundView) => r.trucks.flatMap((t) => t.stops).filter((s) => s.kind === 'bin');

/** Mild bins: ~25 % at the round, ~50 % by tomorrow's (optional top-ups). */
export const MILD_BINS: readonly SceneBin[] = [
  ['mild-1', 1.6, 0, 180],
  ['mild-2', 1.6, 120, 180],
  ['mild-3', 1.6, 240, 180],
];
