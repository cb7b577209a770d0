import { describe, expect, it } from 'vitest';
import { DEFAULT_WASTE_CONFIG } from '../../cloud/src/modules/waste-routing/waste-routing.config.js';
import type { RoundView } from '../../cloud/src/modules/waste-routing/waste-routing.model.js';
import {
  applyWasteSettings,
  parseWasteSettings,
} from '../../cloud/src/modules/waste-routing/waste-settings.js';
import { BIN_LITRES, DUE_WARM_COLD, useWasteScene } from '../support/waste-scene.js';

const BINS = DUE_WARM_COLD;

/**
 * A deployment's settings file: its own trucks, payload, plan load, depot and dump; no optional
 * tails, so a trip is the solver's fill alone (tails: service-truck-full.test.ts).
 */
const settingsFile = (planLoadPct: number) => `
depot: { lat: 31.2300, lon: 121.4650 }
dump: { lat: 31.2500, lon: 121.4900 }
fleet:
  vehicleIds: [hw-van-07]
  capacityLiters: 1000
  planLoadPct: ${planLoadPct}
tailLoadPct: 0
maxIterations: 20000
timeLimitMs: 30000
`;

describe('waste routing service on a settings file (SQLite stores, manual clock)', () => {
  const scene = useWasteScene('waste-settings-svc', BINS);

  const service = (text: string) =>
    scene().service(
      applyWasteSettings(DEFAULT_WASTE_CONFIG, { settings: parseWasteSettings(text, 'waste.yaml') }),
    );

  const visited = (r: RoundView) =>
    r.trucks.flatMap((t) => t.stops.filter((s) => s.kind === 'bin').map((s) => scene().name.get(s.binId!)!));
  /** Litres of each trip (bins between unloadings), from the forecast level at arrival. */
  const tripLitres = (r: RoundView) =>
    r.trucks.flatMap((t) => {
      const trips: number[] = [];
      let load = 0;
      for (const s of t.stops) {
        if (s.kind === 'bin') load += ((s.forecastPct ?? 0) / 100) * BIN_LITRES;
        if (s.kind === 'dump') {
          trips.push(load);
          load = 0;
        }
      }
      return trips;
    });

  it("plans with the file's truck ids and payload, filled to planLoadPct of it", async () => {
    const full = await service(settingsFile(100)).plan();
    expect(full.trucks.map((t) => t.vehicleId)).toEqual(['hw-van-07']);
    expect(tripLitres(full)).toHaveLength(1);
    // At 100 %: the due trip is topped up with every warm bin (~820 L of the 1,000 L payload).
    expect(visited(full)).toEqual(expect.arrayContaining(['warm-1', 'warm-2', 'warm-3']));
    expect(tripLitres(full)[0]).toBeGreaterThan(800);
    expect(tripLitres(full)[0]).toBeLessThanOrEqual(1000);

    const planned = await service(settingsFile(60)).plan();
    expect(planned.trucks.map((t) => t.vehicleId)).toEqual(['hw-van-07']);
    expect(visited(planned)).toEqual(expect.arrayContaining(['due-1', 'due-2', 'due-3']));
    // At 60 %: every trip stays within 600 L, so the ~560 L due leave no room for a warm bin.
    for (const litres of tripLitres(planned)) expect(litres).toBeLessThanOrEqual(600);
    expect(visited(planned).filter((b) => b.startsWith('warm'))).toEqual([]);
  });
});
