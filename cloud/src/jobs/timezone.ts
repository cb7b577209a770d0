/** Zone our users live in: scheduled jobs run on its wall clock unless configured otherwise. */
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

/**
 * True for a zone name the runtime's IANA database knows (Asia/Shanghai, UTC, Europe/Berlin).
 * Intl is what node-cron computes its times with, so what passes here is what it can schedule in;
 * offsets (+08:00) and POSIX TZ strings (CST-8) are refused: they ignore daylight-saving rules.
 */
export function isIanaTimeZone(zone: string): boolean {
  if (!/^[A-Za-z]/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Offset of `zone` from UTC in hours at instant `at` (Asia/Kolkata → 5.5). For code that works on a
 * fixed offset: right all year in zones without daylight saving (all of China), else only for the
 * season of `at`.
 */
export function zoneOffsetHours(zone: string, at: number): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  // "GMT" alone is UTC itself; otherwise "GMT+05:30" / "GMT-03:00".
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name ?? '');
  if (!m) throw new Error(`no UTC offset for time zone ${zone} (got ${name})`);
  if (m[1] === undefined) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) + Number(m[3]) / 60);
}
