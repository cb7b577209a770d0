import type { Logger } from 'pino';
import type { CounterBook } from './counters.js';
import { type AppendItem, type Outbox, PRIORITY_EVENT } from './outbox.js';

export interface BatcherOptions {
  /**
   * How long routine readings may wait for others, ms (default 100); 0: until the end of the
   * event-loop turn. An event (door, leak, comm failure) is appended at the end of its turn.
   * Once half of it has passed, a turn that brings more readings appends them all at its end:
   * the process is awake then anyway, and waking it again for the timer costs more than a commit.
   */
  lingerMs?: number;
  /** A batch this large is appended at once. */
  maxBatch?: number;
}

/** Readings held while the outbox cannot take them (disk full, I/O error) before the oldest go. */
const MAX_HELD = 100_000;

/**
 * Gathers the readings polled within lingerMs (events: within their turn) and appends them to the outbox in one
 * SQLite transaction, with the counter states they were computed from; then wakes the publisher.
 * One commit, and one MQTT message, per batch instead of per reading is most of the cost. The guarantee is
 * unchanged: a reading is published only from the outbox, so only after it is stored; a crash
 * before the flush loses the routine readings of the last lingerMs, as a crash just before those
 * polls would have.
 * Polls due together start together (PollScheduler) and their answers are read together
 * (ModbusTcpClient), so one turn carries many readings.
 */
export class AppendBatcher {
  private pending: AppendItem[] = [];
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  /** End-of-turn check whether the batch is old enough to go now. */
  private turnEnd?: NodeJS.Immediate;
  private firstAt = 0;
  private failing = false;
  /** Readings dropped because the outbox kept failing and too many were held. */
  dropped = 0;
  private readonly lingerMs: number;
  private readonly maxBatch: number;

  constructor(
    private readonly outbox: Outbox,
    private readonly counters: CounterBook,
    private readonly appended: () => void,
    private readonly logger: Logger,
    options: BatcherOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 100;
    this.maxBatch = options.maxBatch ?? 2000;
  }

  add(reading: AppendItem): void {
    if (this.pending.length === 0) this.firstAt = Date.now();
    this.pending.push(reading);
    if (this.pending.length >= this.maxBatch) this.flush();
    else if (this.lingerMs > 0 && reading.priority !== PRIORITY_EVENT) {
      this.timer ??= setTimeout(this.flush, this.lingerMs);
      this.turnEnd ??= setImmediate(this.atTurnEnd);
    }
    // setImmediate, not a timer: it runs at the end of this turn without waking the process again.
    else this.immediate ??= setImmediate(this.flush);
  }

  private readonly atTurnEnd = (): void => {
    this.turnEnd = undefined;
    // A failing outbox is retried by its timer only.
    if (!this.failing && this.pending.length > 0 && Date.now() - this.firstAt >= this.lingerMs / 2)
      this.flush();
  };

  /** Appends what is pending now (also on stop). */
  readonly flush = (): void => {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    if (this.turnEnd) clearImmediate(this.turnEnd);
    this.timer = undefined;
    this.immediate = undefined;
    this.turnEnd = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      this.outbox.append(batch, Date.now(), this.counters.takeDirty());
      if (this.failing) this.logger.info('outbox writable again');
      this.failing = false;
    } catch (err) {
      this.hold(batch, err as Error);
      return;
    }
    this.appended();
  };

  /** The outbox failed: keep the readings for the next try, bounded, and say so once. */
  private hold(batch: AppendItem[], err: Error): void {
    if (!this.failing)
      this.logger.error({ err: err.message }, 'outbox append failed; readings held in memory');
    this.failing = true;
    this.pending = batch.concat(this.pending);
    const excess = this.pending.length - MAX_HELD;
    if (excess > 0) {
      this.pending.splice(0, excess);
      this.dropped += excess;
    }
    this.timer ??= setTimeout(this.flush, 1000);
  }
}
