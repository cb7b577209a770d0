import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../cloud/src/jobs/scheduler.js';
import { ManualClock } from '../relational/harness.js';

describe('job scheduler (node-cron)', () => {
  const quiet = () => {
    const errors: object[] = [];
    return { errors, logger: { error: (o: object) => errors.push(o), debug: () => {} } };
  };

  it('hands jobs the scheduler clock, and logs a failing run instead of throwing', async () => {
    const clock = new ManualClock(Date.UTC(2025, 5, 1));
    const { errors, logger } = quiet();
    const seen: number[] = [];
    const scheduler = new Scheduler(clock, logger)
      .add({ name: 'ok', schedule: '* * * * *', run: async (now) => seen.push(now) })
      .add({
        name: 'broken',
        schedule: '*/5 * * * *',
        run: async () => {
          throw new Error('store down');
        },
      });
    await scheduler.runNow('ok');
    clock.advance(60_000);
    await scheduler.runNow('ok');
    expect(seen).toEqual([Date.UTC(2025, 5, 1), Date.UTC(2025, 5, 1, 0, 1)]);
    await expect(scheduler.runNow('broken')).resolves.toBeUndefined();
    expect(errors).toEqual([{ err: new Error('store down'), job: 'broken' }]);
    await expect(scheduler.runNow('missing')).rejects.toThrow('no job missing');
  });

  it('refuses an invalid cron expression, and start/stop own the timers', async () => {
    const { logger } = quiet();
    const scheduler = new Scheduler(new ManualClock(), logger);
    expect(() => scheduler.add({ name: 'x', schedule: 'every minute', run: async () => 0 })).toThrow(
      'job x: invalid cron expression every minute',
    );
    scheduler.add({ name: 'tick', schedule: '* * * * *', run: async () => 0 });
    scheduler.start();
    scheduler.start(); // idempotent
    await scheduler.stop();
    await scheduler.stop();
  });
});
