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
