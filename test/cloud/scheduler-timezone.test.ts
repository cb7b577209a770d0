import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCloudConfig } from '../../cloud/src/config.js';
import { Scheduler } from '../../cloud/src/jobs/scheduler.js';
import { zoneOffsetHours } from '../../cloud/src/jobs/timezone.js';
import { localDate } from '../../cloud/src/modules/waste-routing/local-time.js';
import { wasteConfigInZone } from '../../cloud/src/modules/waste-routing/waste-routing.config.js';
import { systemClock } from '../../cloud/src/ports/clock.js';

// Cron expressions are read on the configured zone's wall clock, not the server's (usually UTC).
// node-cron takes its time from Date and setTimeout, so vitest's fake timers drive it: the clock
// is set just before 03:00 in one zone and moved past it.

const quiet = { error: () => {}, debug: () => {} };
/** 2026-01-01T18:59:30Z = 02:59:30 on 2 January in Shanghai (UTC+8, no DST) = 18:59:30 in London. */
const JUST_BEFORE_3AM_SHANGHAI = Date.UTC(2026, 0, 1, 18, 59, 30);

function nightly(timezone?: string) {
  const runs: number[] = [];
  const scheduler = new Scheduler(systemClock, quiet, timezone === undefined ? {} : { timezone });
  scheduler.add({ name: 'nightly', schedule: '0 3 * * *', run: async (now) => runs.push(now) });
  return { scheduler, runs };
}

describe('scheduled jobs run in the configured time zone', () => {
  const schedulers: Scheduler[] = [];
  afterEach(async () => {
    for (const s of schedulers.splice(0)) await s.stop();
    vi.useRealTimers();
  });

  it('a 03:00 job fires at 03:00 Shanghai time (19:00 UTC), and not at 03:00 in another zone', async () => {
    vi.useFakeTimers({ now: JUST_BEFORE_3AM_SHANGHAI });
    const shanghai = nightly('Asia/Shanghai');
    const london = nightly('Europe/London');
    schedulers.push(shanghai.scheduler, london.scheduler);
    shanghai.scheduler.start();
    london.scheduler.start();
    expect(shanghai.scheduler.nextRun('nightly')?.toISOString()).toBe('2026-01-01T19:00:00.000Z');
    expect(london.scheduler.nextRun('nightly')?.toISOString()).toBe('2026-01-02T03:00:00.000Z');

    await vi.advanceTimersByTimeAsync(60_000);
    expect(shanghai.runs).toHaveLength(1);
    expect(shanghai.runs[0]).toBeGreaterThanOrEqual(Date.UTC(2026, 0, 1, 19, 0, 0));
    expect(shanghai.runs[0]).toBeLessThan(Date.UTC(2026, 0, 1, 19, 0, 5));
    expect(london.runs).toEqual([]);
    expect(shanghai.scheduler.nextRun('nightly')?.toISOString()).toBe('2026-01-02T19:00:00.000Z');
  });

  it('defaults to Asia/Shanghai; a job may name its own zone', () => {
    vi.useFakeTimers({ now: JUST_BEFORE_3AM_SHANGHAI });
    const { scheduler } = nightly();
    scheduler.add({ name: 'ny', schedule: '0 3 * * *', timezone: 'America/New_York', run: async () => 0 });
    schedulers.push(scheduler);
    scheduler.start();
    expect(scheduler.timezoneOf('nightly')).toBe('Asia/Shanghai');
    expect(scheduler.nextRun('nightly')?.toISOString()).toBe('2026-01-01T19:00:00.000Z');
    // 03:00 EST (UTC-5) on 2 January.
    expect(scheduler.timezoneOf('ny')).toBe('America/New_York');
    expect(scheduler.nextRun('ny')?.toISOString()).toBe('2026-01-02T08:00:00.000Z');
  });

  it('refuses zones that are not IANA names, and a job name used twice', () => {
    expect(() => new Scheduler(systemClock, quiet, { timezone: 'Mars/Olympus' })).toThrow(
      'unknown time zone Mars/Olympus',
    );
    const { scheduler } = nightly('UTC');
    expect(() =>
      scheduler.add({ name: 'x', schedule: '* * * * *', timezone: '+08:00', run: async () => 0 }),
    ).toThrow('job x: unknown time zone +08:00');
    expect(() => scheduler.add({ name: 'nightly', schedule: '* * * * *', run: async () => 0 })).toThrow(
      'job nightly: added twice',
    );
  });
});

describe('LINLI_TZ', () => {
  it('defaults to Asia/Shanghai and takes any IANA zone', () => {
    expect(loadCloudConfig({}).timezone).toBe('Asia/Shanghai');
    expect(loadCloudConfig({ LINLI_TZ: 'Europe/Berlin' }).timezone).toBe('Europe/Berlin');
    expect(loadCloudConfig({ LINLI_TZ: 'UTC' }).timezone).toBe('UTC');
  });

  it.each(['Asia/Shanghia', '+08:00', 'CST-8', ':/etc/localtime'])(
    'stops the service at start on %s',
    (tz) => {
      expect(() => loadCloudConfig({ LINLI_TZ: tz })).toThrow(
        'LINLI_TZ: must be an IANA time zone such as Asia/Shanghai or UTC',
      );
    },
  );
});

describe('waste planning follows LINLI_TZ', () => {
  const JAN = Date.UTC(2026, 0, 15, 12);
  const JUL = Date.UTC(2026, 6, 15, 12);

  it("reads a zone's UTC offset, with daylight saving for the season asked", () => {
    expect(zoneOffsetHours('Asia/Shanghai', JAN)).toBe(8);
    expect(zoneOffsetHours('Asia/Shanghai', JUL)).toBe(8);
    expect(zoneOffsetHours('Asia/Kolkata', JAN)).toBe(5.5);
    expect(zoneOffsetHours('UTC', JAN)).toBe(0);
    expect(zoneOffsetHours('America/New_York', JAN)).toBe(-5);
    expect(zoneOffsetHours('America/New_York', JUL)).toBe(-4);
  });

  it("plans on the zone's wall clock and calendar (was fixed to Shanghai whatever LINLI_TZ said)", () => {
    const tokyo = wasteConfigInZone('Asia/Tokyo', JAN);
    expect(tokyo.timezone).toBe('Asia/Tokyo');
    expect(tokyo.utcOffsetHours).toBe(9);
    // 15:30 UTC on 15 January is already 16 January in Tokyo, still the 15th in Shanghai.
    const lateAfternoonUtc = Date.UTC(2026, 0, 15, 15, 30);
    expect(localDate(lateAfternoonUtc, tokyo.utcOffsetHours)).toBe('2026-01-16');
    expect(localDate(lateAfternoonUtc, wasteConfigInZone('Asia/Shanghai', JAN).utcOffsetHours)).toBe(
      '2026-01-15',
    );
  });
});
