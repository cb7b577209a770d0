/**
 * One timer for all the pollers of a PollingSet. Poll times are rounded up to a grid (100 ms by
 * default), so devices due in the same grid step start in the same event-loop turn: their requests
 * leave in one socket write per bus, and a thousand devices cost a hundred timer callbacks a
 * second instead of a thousand. Rounding up means a poll is never early; PollingSet puts the ideal
 * poll times on the grid, so the rounding adds no lateness to them.
 */
export interface Scheduled {
  readonly at: number;
  cancelled: boolean;
  readonly run: () => void;
}

export class PollScheduler {
  /** Grid step time -> what runs then, in the order it was scheduled. */
  private readonly slots = new Map<number, Scheduled[]>();
  /** Step times with work, ascending (few: one per grid step of the longest interval). */
  private times: number[] = [];
  private timer?: NodeJS.Timeout;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(
    readonly gridMs = 10,
    private readonly now: () => number = Date.now,
  ) {}

  /** The grid step at or after t. */
  align(t: number): number {
    return Math.ceil(t / this.gridMs) * this.gridMs;
  }

  /** Runs `run` at the first grid step at or after `at`. */
  schedule(at: number, run: () => void): Scheduled {
    const step = this.align(at);
    const item: Scheduled = { at: step, cancelled: false, run };
    if (this.stopped) {
      item.cancelled = true;
      return item;
    }
    let slot = this.slots.get(step);
    if (!slot) {
      slot = [];
      this.slots.set(step, slot);
      this.insertTime(step);
    }
    slot.push(item);
    if (step < this.timerAt) this.arm(step);
    return item;
  }

  cancel(item: Scheduled): void {
    item.cancelled = true;
  }

  /** Cancels everything; nothing runs afterwards. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.slots.clear();
    this.times = [];
  }

  private insertTime(step: number): void {
    const t = this.times;
    let i = t.length;
    while (i > 0 && t[i - 1]! > step) i--;
    t.splice(i, 0, step);
  }

  private arm(step: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = step;
    this.timer = setTimeout(this.fire, Math.max(0, step - this.now()));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.now();
    // Everything due, oldest step first; work scheduled while running waits for its own step.
    let due = 0;
    while (due < this.times.length && this.times[due]! <= now) due++;
    const steps = this.times.splice(0, due);
    for (const step of steps) {
      const slot = this.slots.get(step)!;
      this.slots.delete(step);
      for (const item of slot) if (!item.cancelled && !this.stopped) item.run();
    }
    const next = this.times[0];
    if (next !== undefined && !this.stopped) this.arm(next);
  };
}
