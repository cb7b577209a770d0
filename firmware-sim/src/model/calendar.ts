/**
 * Local civil time for the simulated community. China uses one time zone (UTC+8, no daylight
 * saving), so a fixed offset makes the model independent of the machine's TZ setting.
 */
export const TZ_OFFSET_MS = 8 * 3_600_000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Local calendar day number (days since 1970-01-01 local). */
export function dayIndexOf(t: number): number {
  return Math.floor((t + TZ_OFFSET_MS) / DAY);
}

/** Epoch ms of local midnight starting a day. */
export function dayStart(dayIndex: number): number {
  return dayIndex * DAY - TZ_OFFSET_MS;
}

/** Local hour of day as a fraction, 0 <= h < 24. */
export function hourOfDay(t: number): number {
  return ((((t + TZ_OFFSET_MS) % DAY) + DAY) % DAY) / HOUR;
}

export interface DayInfo {
  index: number;
  start: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
  weekend: boolean;
  /** 0 = January. */
  month: number;
  /** 0-based day of the year. */
  dayOfYear: number;
}

export function dayInfo(dayIndex: number): DayInfo {
  const d = new Date(dayIndex * DAY);
  const weekday = d.getUTCDay();
  const jan1 = Date.UTC(d.getUTCFullYear(), 0, 1);
  return {
    index: dayIndex,
    start: dayStart(dayIndex),
    weekday,
    weekend: weekday === 0 || weekday === 6,
    month: d.getUTCMonth(),
    dayOfYear: Math.floor((d.getTime() - jan1) / DAY),
  };
}

/** Seasonal phase: +1 at midsummer (~July 20), -1 at midwinter, for smooth seasonal terms. */
export function summerness(dayOfYear: number): number {
  return Math.cos((2 * Math.PI * (dayOfYear - 201)) / 365);
}
