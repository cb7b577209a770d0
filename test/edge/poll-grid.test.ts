import { describe, expect, it } from 'vitest';
import { PollScheduler } from '../../edge/src/poll-scheduler.js';
import { pollGridFor } from '../../edge/src/polling.js';

describe('poll grid', () => {
  it('is the coarsest step up to 200 ms that divides every poll interval', () => {
    expect(pollGridFor([1000, 1000, 60_000])).toBe(200);
    expect(pollGridFor([1000, 500])).toBe(100);
    expect(pollGridFor([1000, 250])).toBe(50);
    expect(pollGridFor([1000, 1500])).toBe(100);
    expect(pollGridFor([100])).toBe(100);
    expect(pollGridFor([1013, 1000])).toBe(1);
    expect(pollGridFor([])).toBe(200);
  });

  it('never makes a poll late: every ideal time of every interval is on the chosen grid', () => {
    for (const intervals of [[1000, 500], [1000, 250, 300], [700, 1100], [1013]]) {
      const scheduler = new PollScheduler(pollGridFor(intervals));
      const start = scheduler.align(1_700_000_000_123);
      for (const interval of intervals)
        for (let k = 0; k < 50; k++) {
          const ideal = start + k * interval;
          expect(scheduler.align(ideal)).toBe(ideal);
        }
    }
  });
});
