/** Local calendar helpers at a fixed UTC offset (China has one zone and no daylight saving). */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function localDate(ts: number, offsetHours: number): string {
  return new Date(ts + offsetHours * HOUR).toISOString().slice(0, 10);
}

/** Epoch ms of `HH:MM` local on a local date. */
export function localInstant(date: string, hhmm: string, offsetHours: number): number {
  const [h, m] = hhmm.split(':').map(Number);
  return Date.parse(`${date}T00:00:00Z`) - offsetHours * HOUR + ((h ?? 0) * 60 + (m ?? 0)) * 60_000;
}

export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
}
