import { describe, expect, it } from 'vitest';
import type { FillModel } from '../../cloud/src/modules/waste-routing/forecast.js';
import {
  type RoundBin,
  type RoundStopsOptions,
  replanStops,
  roundStops,
} from '../../cloud/src/modules/waste-routing/round-stops.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2025, 2, 3, 5); // 13:00 local (UTC+8)

/** A bin filling `pctPerHour` every hour, read at `fillPct` just now. */
const bin = (binId: string, fillPct: number, pctPerHour: number): RoundBin => {
  const model: FillModel = {
    hourRate: new Array<number>(24).fill(pctPerHour),
    dayFactor: new Array<number>(7).fill(1),
    dailyRate: 24 * pctPerHour,
    hours: 500,
    utcOffsetHours: 8,
  };
  return { binId, model, latest: { ts: NOW, fillPct }, at: { lat: 31.23, lon: 121.47 }, capacityLiters: 240 };
};

const options: RoundStopsOptions = {
  pickupAt: NOW,
  nextPickupAt: NOW + 20.5 * HOUR,
  afterNextPickupAt: NOW + 44.5 * HOUR,
  thresholdPct: 80,
  optionalMinPct: 50,
  prizeMetresPerPct: 3,
  staleAfterMs: 6 * HOUR,
  minHistoryHours: 72,
  policy: 'trips',
  keepPct: 15,
  overOfferTrips: 1,
};

describe('replanStops (a re-plan: the service plan() and eval:waste intraday checks)', () => {
  it("is the round's selection less the bins already handled today", () => {
    // due: 93 % now; done: emptied this morning (handled), low since; warm and mild: top-ups.
    const bins = [bin('due', 93, 2), bin('done', 20, 2), bin('warm', 60, 1), bin('mild', 30, 1)];
    const all = roundStops(bins, options);
    const replan = replanStops(bins, options, new Set(['done']));
    expect(all.stops.map((s) => s.binId)).toContain('done');
    expect(replan.stops.map((s) => s.binId)).toEqual(
      all.stops.map((s) => s.binId).filter((id) => id !== 'done'),
    );
    expect(replan.stops.find((s) => s.binId === 'due')!.prizeM).toBeUndefined();
    expect(replan.tripsFirst).toEqual({ overOfferTrips: 1 });
    // A handled due bin is not offered again either.
    expect(replanStops(bins, options, new Set(['due', 'done'])).stops.map((s) => s.binId)).not.toContain(
      'due',
    );
  });
});
