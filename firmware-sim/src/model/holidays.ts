/**
 * Mainland China public holidays (days off), from the State Council General Office's annual
 * notices on holiday arrangements for 2024 and 2025. Waste generation on these days follows the
 * weekend pattern (families at home). The make-up working days (调休) are not modelled: they are
 * treated as the weekdays or weekend days they fall on. Outside 2024-2025 only weekends count.
 */
const RANGES: ReadonlyArray<readonly [string, string]> = [
  ['2024-01-01', '2024-01-01'],
  ['2024-02-10', '2024-02-17'], // Spring Festival
  ['2024-04-04', '2024-04-06'], // Qingming
  ['2024-05-01', '2024-05-05'],
  ['2024-06-10', '2024-06-10'], // Dragon Boat
  ['2024-09-15', '2024-09-17'], // Mid-Autumn
  ['2024-10-01', '2024-10-07'],
  ['2025-01-01', '2025-01-01'],
  ['2025-01-28', '2025-02-04'],
  ['2025-04-04', '2025-04-06'],
  ['2025-05-01', '2025-05-05'],
  ['2025-05-31', '2025-06-02'],
  ['2025-10-01', '2025-10-08'],
];

const DAY = 86_400_000;
const HOLIDAY_DAYS: ReadonlySet<number> = (() => {
  const days = new Set<number>();
  for (const [from, to] of RANGES)
    for (let d = Date.parse(`${from}T00:00:00Z`) / DAY; d <= Date.parse(`${to}T00:00:00Z`) / DAY; d++)
      days.add(d);
  return days;
})();

/** True on a public holiday; `dayIndex` is the local day number of calendar.ts. */
export function isHoliday(dayIndex: number): boolean {
  return HOLIDAY_DAYS.has(dayIndex);
}
