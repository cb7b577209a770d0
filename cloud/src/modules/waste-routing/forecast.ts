/**
 * Fill-level forecast per bin, learned from its own history (pure: samples in, numbers out).
 *
 * Model: rate(weekday, hour) = hourRate[hour] x dayFactor[weekday]. Waste arrives in daily peaks
 * (morning and evening drop-off times) and each weekday has its own volume (weekends, market
 * days). A full weekday x hour table would have only a handful of samples per cell after a few
 * weeks; the product form pools every day to learn the hourly shape and every hour of a weekday to
 * learn that weekday's level, so four weeks of history give a usable model.
 *
 * History is a list of fill readings. A drop of more than `emptyDropPct` between two readings is an
 * emptying (a collection): that interval says nothing about the rate and is skipped. Intervals
 * ending at a full bin are skipped too: a capped reading would understate the rate.
 */

export interface FillSample {
  ts: number;
  fillPct: number;
}

export interface FillModel {
  /** Fill percentage points per hour, by local hour of day. */
  hourRate: number[];
  /** Multiplier per local weekday (0 = Sunday). */
  dayFactor: number[];
  /** Mean fill percentage points per day of the model over a week. */
  dailyRate: number;
  /** Hours of usable history (0: no model; callers should treat the bin as unknown). */
  hours: number;
  utcOffsetHours: number;
}

export interface LearnOptions {
  utcOffsetHours?: number;
  /** A fall larger than this between readings is an emptying. */
  emptyDropPct?: number;
  /** Longer gaps between readings (sensor offline) are not used. */
  maxGapMs?: number;
}

const HOUR = 3_600_000;

function localParts(ts: number, offsetHours: number): { weekday: number; hour: number } {
  const d = new Date(ts + offsetHours * HOUR);
  return { weekday: d.getUTCDay(), hour: d.getUTCHours() };
}

export function learnFillModel(samples: readonly FillSample[], opts: LearnOptions = {}): FillModel {
  const off = opts.utcOffsetHours ?? 8;
  const emptyDrop = opts.emptyDropPct ?? 10;
  const maxGap = opts.maxGapMs ?? 6 * HOUR;
  const inc = Array.from({ length: 7 }, () => new Float64Array(24));
  const dur = Array.from({ length: 7 }, () => new Float64Array(24));
  const sorted = [...samples].sort((a, b) => a.ts - b.ts);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    const dt = b.ts - a.ts;
    if (dt <= 0 || dt > maxGap) continue;
    const rise = b.fillPct - a.fillPct;
    if (rise < -emptyDrop || b.fillPct >= 99.5) continue;
    const { weekday, hour } = localParts(a.ts + dt / 2, off);
    const wi = inc[weekday]!;
    const wd = dur[weekday]!;
    wi[hour] = wi[hour]! + rise;
    wd[hour] = wd[hour]! + dt / HOUR;
  }
  let totalInc = 0;
  let totalHours = 0;
  const hourRate = new Array<number>(24).fill(0);
  const covered: boolean[] = [];
  for (let h = 0; h < 24; h++) {
    let s = 0;
    let t = 0;
    for (let w = 0; w < 7; w++) {
      s += inc[w]![h]!;
      t += dur[w]![h]!;
    }
    totalInc += s;
    totalHours += t;
    covered.push(t > 0);
    hourRate[h] = t > 0 ? Math.max(0, s / t) : 0;
  }
  const mean = totalHours > 0 ? Math.max(0, totalInc / totalHours) : 0;
  // An hour never observed (e.g. always the hour of the collection, whose interval is skipped)
  // takes the mean of the nearest observed hours on either side: the drop-off rate is smooth.
  const observed = hourRate.slice();
  for (let h = 0; h < 24; h++) {
    if (covered[h]) continue;
    let before = -1;
    let after = -1;
    for (let k = 1; k < 24 && (before < 0 || after < 0); k++) {
      if (before < 0 && covered[(h - k + 24) % 24]) before = (h - k + 24) % 24;
      if (after < 0 && covered[(h + k) % 24]) after = (h + k) % 24;
    }
    hourRate[h] = before < 0 ? mean : (observed[before]! + observed[after]!) / 2;
  }
  // Weekday level: observed rise over the rise the hourly shape predicts for the hours observed,
  // shrunk towards 1 by a prior worth two hours of data so a sparse weekday cannot run away.
  const dayFactor = new Array<number>(7).fill(1);
  for (let w = 0; w < 7; w++) {
    let obs = 0;
    let exp = 0;
    for (let h = 0; h < 24; h++) {
      obs += inc[w]![h]!;
      exp += dur[w]![h]! * hourRate[h]!;
    }
    const prior = 2 * mean;
    if (exp + prior > 0) dayFactor[w] = Math.max(0, (obs + prior) / (exp + prior));
  }
  const perDay = hourRate.reduce((x, y) => x + y, 0);
  const dailyRate = (perDay * dayFactor.reduce((x, y) => x + y, 0)) / 7;
  return { hourRate, dayFactor, dailyRate, hours: totalHours, utcOffsetHours: off };
}

/** Fill percentage points expected to arrive between two instants (ms). */
export function expectedRise(model: FillModel, from: number, to: number): number {
  let t = from;
  let rise = 0;
  while (t < to) {
    const next = Math.min(to, (Math.floor(t / HOUR) + 1) * HOUR);
    const { weekday, hour } = localParts(t, model.utcOffsetHours);
    rise += model.hourRate[hour]! * model.dayFactor[weekday]! * ((next - t) / HOUR);
    t = next;
  }
  return rise;
}

/** Level at `at` given the level `fillPct` measured at `since`; not capped (above 100 = overflow). */
export function forecastFill(model: FillModel, fillPct: number, since: number, at: number): number {
  return fillPct + expectedRise(model, since, at);
}

export interface ErrorOptions {
  /** Length of the windows compared (default 20 h: fits between two daily collections). */
  windowMs?: number;
  emptyDropPct?: number;
  /** Windows whose forecast rise is below this say little about the relative error. */
  minRisePct?: number;
  /**
   * Horizon in days (default 1): the error of a k-day forecast is taken as the mean error of k
   * windows a day apart, each weighted by its forecast rise, so the correlation between days
   * (drift, a busy week) is measured rather than assumed.
   */
  days?: number;
}

/**
 * The model's relative forecast error on its own history, as a quantile: over every window of
 * `windowMs` between hourly readings with no emptying and no full reading inside, the observed
 * rise over the forecast rise, minus 1. Selection scales a forecast rise by (1 + this) as its
 * safety margin, so a bin whose waste varies more from day to day is collected earlier. The error
 * is relative because the day's volume varies multiplicatively (a busier day is busier all day);
 * in-sample, so it is a little optimistic: pick the quantile with that in mind. 0 with fewer than
 * ten windows (too little history to tell). Daily collections leave no window longer than a day,
 * hence `days` (see ErrorOptions).
 */
export function riseErrorQuantile(
  model: FillModel,
  samples: readonly FillSample[],
  quantile: number,
  opts: ErrorOptions = {},
): number {
  const windowMs = opts.windowMs ?? 20 * HOUR;
  const emptyDrop = opts.emptyDropPct ?? 10;
  const minRise = opts.minRisePct ?? 2;
  const s = [...samples].sort((a, b) => a.ts - b.ts);
  const days = Math.max(1, Math.round(opts.days ?? 1));
  const windows = new Map<number, { rise: number; expected: number }>();
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    const a = s[i]!;
    while (j < s.length && s[j]!.ts < a.ts + windowMs) j++;
    if (j >= s.length) break;
    const b = s[j]!;
    if (b.ts - (a.ts + windowMs) > HOUR) continue;
    let clean = true;
    for (let k = i + 1; k <= j && clean; k++)
      clean = s[k]!.fillPct - s[k - 1]!.fillPct >= -emptyDrop && s[k]!.fillPct < 99.5;
    if (!clean) continue;
    const expected = expectedRise(model, a.ts, b.ts);
    if (expected < minRise) continue;
    windows.set(a.ts, { rise: b.fillPct - a.fillPct, expected });
  }
  const errors: number[] = [];
  for (const [ts, w] of windows) {
    let rise = w.rise;
    let expected = w.expected;
    for (let k = 1; k < days && expected > 0; k++) {
      const next = windows.get(ts + k * 24 * HOUR);
      if (!next) expected = 0;
      else {
        rise += next.rise;
        expected += next.expected;
      }
    }
    if (expected > 0) errors.push(rise / expected - 1);
  }
  if (errors.length < 10) return 0;
  errors.sort((x, y) => x - y);
  return Math.max(0, errors[Math.min(errors.length - 1, Math.floor(quantile * errors.length))]!);
}
