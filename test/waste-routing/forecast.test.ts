import { describe, expect, it } from 'vitest';
import {
  type FillSample,
  forecastFill,
  learnFillModel,
  riseErrorQuantile,
} from '../../cloud/src/modules/waste-routing/forecast.js';
import { selectBin, selectRound, withPointMates } from '../../cloud/src/modules/waste-routing/selection.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Monday 2025-03-03 00:00 in UTC+8.
const MONDAY = Date.UTC(2025, 2, 3) - 8 * HOUR;

/**
 * A synthetic bin: 2 points an hour from 06:00 to 22:00 local on weekdays, 4 on Saturdays and
 * Sundays, nothing at night; emptied every day at 10:00 (the reading after shows the drop).
 */
function history(days: number, dayFactor: (day: number) => number = () => 1): FillSample[] {
  const out: FillSample[] = [];
  let fill = 20;
  for (let h = 0; h < days * 24; h++) {
    const t = MONDAY + h * HOUR;
    const local = new Date(t + 8 * HOUR);
    const hour = local.getUTCHours();
    const weekend = local.getUTCDay() === 0 || local.getUTCDay() === 6;
    if (hour === 10) fill = 0;
    out.push({ ts: t, fillPct: Math.round(fill * 10) / 10 });
    if (hour >= 6 && hour < 22) fill += (weekend ? 4 : 2) * dayFactor(Math.floor(h / 24));
  }
  return out;
}

describe('fill forecast', () => {
  const model = learnFillModel(history(28));

  it('learns the hourly shape and the weekday level, ignoring emptying drops', () => {
    expect(model.hourRate[3]).toBeCloseTo(0, 6);
    // Weekday hours: 2 / h; the weekday factor scales it, Saturday is twice a weekday.
    const weekday = model.hourRate[12]! * model.dayFactor[3]!;
    const saturday = model.hourRate[12]! * model.dayFactor[6]!;
    expect(weekday).toBeCloseTo(2, 1);
    expect(saturday).toBeCloseTo(4, 1);
    // Had the drops been read as negative rates, the mean would be far below 16 * (5*2 + 2*4) / 7.
    expect(model.dailyRate).toBeCloseTo((16 * (5 * 2 + 2 * 4)) / 7, 0);
  });

  it('forecasts across a weekday into the weekend', () => {
    const friday10 = MONDAY + 4 * DAY + 10 * HOUR;
    // Friday 10:00 -> Saturday 10:00: Friday 12 h x 2 + Saturday 06-10 4 h x 4 = 40 points.
    expect(forecastFill(model, 0, friday10, friday10 + DAY)).toBeCloseTo(40, 0);
    const tuesday10 = MONDAY + DAY + 10 * HOUR;
    expect(forecastFill(model, 10, tuesday10, tuesday10 + DAY)).toBeCloseTo(10 + 12 * 2 + 4 * 2, 0);
  });

  it('selects mandatory, optional and unneeded bins from the forecast', () => {
    const pickupAt = MONDAY + 28 * DAY + 9.5 * HOUR; // Monday 09:30
    const o = {
      pickupAt,
      nextPickupAt: pickupAt + DAY,
      thresholdPct: 80,
      optionalMinPct: 50,
      prizeMetresPerPct: 3,
      staleAfterMs: 6 * HOUR,
      minHistoryHours: 72,
    };
    const at = (fillPct: number) => ({ binId: 'b', model, latest: { ts: pickupAt - 4 * HOUR, fillPct } });
    // +7 points to pickup (06:00-09:30), +32 more to the next round: 50 + 39 >= 80.
    expect(selectBin(at(50), o).kind).toBe('mandatory');
    const opt = selectBin(at(45), { ...o, thresholdPct: 95 });
    expect(opt.kind).toBe('optional');
    expect(opt.kind === 'optional' && opt.prizeM).toBeCloseTo(3 * 52, 0);
    expect(selectBin(at(5), o).kind).toBe('none');
    // No reading, or a stale one: visit it (a dead sensor must not hide a full bin).
    expect(selectBin({ binId: 'b', model, latest: undefined }, o)).toMatchObject({
      kind: 'mandatory',
      reason: 'no_data',
    });
    expect(selectBin({ ...at(5), latest: { ts: pickupAt - DAY, fillPct: 5 } }, o).kind).toBe('mandatory');
  });

  it('measures its own forecast error: none on a regular bin, the day-to-day spread on a noisy one', () => {
    expect(riseErrorQuantile(model, history(28), 0.95)).toBeLessThan(0.02); // readings rounded to 0.1
    // Days alternately 30 % quieter and busier than the norm: a one-day forecast is off by up to
    // ~30 %, a two-day one (a quiet and a busy day) by much less.
    const noisy = history(28, (d) => (d % 2 === 0 ? 0.7 : 1.3));
    const m = learnFillModel(noisy);
    const oneDay = riseErrorQuantile(m, noisy, 0.95);
    expect(oneDay).toBeGreaterThan(0.2);
    expect(oneDay).toBeLessThan(0.45);
    expect(riseErrorQuantile(m, noisy, 0.95, { days: 2 })).toBeLessThan(oneDay / 2);
    // Too little history to tell: no margin rather than a made-up one.
    expect(riseErrorQuantile(m, noisy.slice(0, 30), 0.95)).toBe(0);
  });

  describe('round selection', () => {
    const pickupAt = MONDAY + 28 * DAY + 9.5 * HOUR; // Monday 09:30; weekdays add 32 points a day
    const o = {
      pickupAt,
      nextPickupAt: pickupAt + DAY,
      afterNextPickupAt: pickupAt + 2 * DAY,
      thresholdPct: 80,
      optionalMinPct: 50,
      prizeMetresPerPct: 3,
      staleAfterMs: 6 * HOUR,
      minHistoryHours: 72,
    };
    const bin = (binId: string, fillPct: number, riseError = 0) => ({
      binId,
      model,
      latest: { ts: pickupAt - 4 * HOUR, fillPct },
      riseError,
    });
    const kinds = (states: ReturnType<typeof bin>[]) =>
      selectRound(states, o).map((s) => (s.kind === 'mandatory' ? `${s.kind}:${s.reason}` : s.kind));

    it('adds the safety margin to the forecast rise', () => {
      // 40 + 7 + 32 = 79 at the next round: just under 80 without a margin, over it with 10 %.
      expect(selectBin(bin('a', 40), o).kind).not.toBe('mandatory');
      expect(selectBin(bin('a', 40, 0.1), o).kind).toBe('mandatory');
    });

    it('sends no truck when nothing is mandatory, optional bins included', () => {
      // 45 -> 52 at pickup (optional), 84 tomorrow only with threshold 95: not mandatory.
      expect(selectRound([bin('a', 45)], { ...o, thresholdPct: 95 }).map((s) => s.kind)).toEqual(['none']);
    });

    it('takes today the bins that would force the next round, unless a bin needs it anyway', () => {
      // a: mandatory (50 + 39 = 89); b: 20 + 71 = 91 by Wednesday, so it would force Tuesday's
      // round; emptied today every bin stays under 80 till Wednesday (25 + 39 = 64): b is consolidated.
      // c: 5 + 71 = 76 by Wednesday: left alone.
      expect(kinds([bin('a', 50), bin('b', 20), bin('c', 5)])).toEqual([
        'mandatory:forecast',
        'mandatory:consolidated',
        'none',
      ]);
      // With a 50 % margin, a emptied today is at 25 by Tuesday's planning and 25 + 39 x 1.5 = 83.5
      // by Wednesday's round: Tuesday's round goes out anyway, and b can wait for it.
      expect(kinds([bin('a', 50, 0.5), bin('b', 20), bin('c', 5)])).toEqual([
        'mandatory:forecast',
        'none',
        'none',
      ]);
    });

    it('offers the containers standing with a due one, and only those', () => {
      // a (due) and b (5 %, none) share point P; c (5 %) stands alone at Q.
      const sel = selectRound([bin('a', 50, 0.5), bin('b', 5), bin('c', 5)], o);
      const point: Record<string, string> = { a: 'P', b: 'P', c: 'Q' };
      const out = withPointMates(sel, (id) => point[id]!, 3);
      expect(out.map((s) => s.kind)).toEqual(['mandatory', 'optional', 'none']);
      // b's prize: at least the floor, so a zero-detour stop is taken unless the load forbids it.
      expect(out[1]!.kind === 'optional' && out[1]!.prizeM).toBeGreaterThanOrEqual(50);
      // Nothing due at P: nothing changes.
      const idle = selectRound([bin('b', 5), bin('c', 5)], o);
      expect(withPointMates(idle, (id) => point[id]!, 3)).toEqual(idle);
    });
  });
});
