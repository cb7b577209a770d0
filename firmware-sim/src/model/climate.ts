import { hourOfDay } from './calendar.js';
import { MONTHLY_MEAN_TEMP_C } from './statistics.js';

const MONTH_MID_DAY = [15, 45, 74, 105, 135, 166, 196, 227, 258, 288, 319, 349];

/** Daily mean temperature for a day of the year, interpolated between monthly normals. */
export function dailyMeanTempC(dayOfYear: number): number {
  let d = ((dayOfYear % 365) + 365) % 365;
  if (d < MONTH_MID_DAY[0]!) d += 365; // early January interpolates from mid-December
  for (let i = 0; i < 12; i++) {
    const from = MONTH_MID_DAY[i]!;
    const to = i === 11 ? MONTH_MID_DAY[0]! + 365 : MONTH_MID_DAY[i + 1]!;
    if (d >= from && d < to) {
      const f = (d - from) / (to - from);
      return MONTHLY_MEAN_TEMP_C[i]! * (1 - f) + MONTHLY_MEAN_TEMP_C[(i + 1) % 12]! * f;
    }
  }
  return MONTHLY_MEAN_TEMP_C[0]!;
}

/** Smooth diurnal cycle: coolest before dawn (~03:00), warmest mid-afternoon (~15:00). */
export function diurnal(t: number, amplitude: number): number {
  return amplitude * Math.cos((2 * Math.PI * (hourOfDay(t) - 15)) / 24);
}

/** Outdoor temperature without sensor noise. */
export function outdoorTempC(t: number, dayOfYear: number): number {
  return dailyMeanTempC(dayOfYear) + diurnal(t, 3.5);
}
