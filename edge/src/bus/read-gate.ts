/**
 * One timer for every Modbus TCP connection that holds back its reads (ModbusTcpClient's read
 * coalescing). A connection that has written a burst of requests stops reading and asks the gate
 * to let it read again a few ms later, when most answers are in; connections due at about the
 * same time are released in the same timer callback, so the event loop wakes once and reads all
 * their sockets in one poll instead of once per connection (or per arriving packet). On this
 * kind of machine a wakeup costs more CPU than parsing a hundred answers.
 */
export class ReadGate {
  private waiting: Array<{ due: number; release: () => void }> = [];
  private timer?: NodeJS.Timeout;
  private timerAt = Number.POSITIVE_INFINITY;

  /** @param slackMs connections due within this long after the timer are released with it. */
  constructor(
    private readonly slackMs = 2,
    private readonly now: () => number = Date.now,
  ) {}

  /** Calls `release` in about `delayMs` (with whatever else is due then). */
  hold(delayMs: number, release: () => void): void {
    const due = this.now() + delayMs;
    this.waiting.push({ due, release });
    if (due < this.timerAt) this.arm(due);
  }

  /** Forgets a pending release (its connection closed). */
  cancel(release: () => void): void {
    this.waiting = this.waiting.filter((w) => w.release !== release);
    if (this.waiting.length === 0) this.disarm();
  }

  private arm(due: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = due;
    this.timer = setTimeout(this.fire, Math.max(0, due - this.now()));
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const limit = this.now() + this.slackMs;
    const ready: Array<() => void> = [];
    const later: typeof this.waiting = [];
    let next = Number.POSITIVE_INFINITY;
    for (const w of this.waiting) {
      if (w.due <= limit) ready.push(w.release);
      else {
        later.push(w);
        if (w.due < next) next = w.due;
      }
    }
    this.waiting = later;
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
    for (const release of ready) release();
  };
}

/** The gate shared by every connection of the process (all the buses of a gateway). */
export const sharedReadGate = new ReadGate();
