import type { Logger } from 'pino';
import { DecodeError, type DeviceProfile, type FieldValue, type Quality } from '../../protocols/src/index.js';
import { CircuitBreaker } from './bus/circuit-breaker.js';
import { type ModbusBus, ModbusRequestError, READ_FC, type RequestOptions } from './bus/modbus-bus.js';
import { ModbusTransaction } from './bus/modbus-tcp-client.js';
import type { DeviceConfig } from './config.js';
import { CounterBook, type CounterRange, type CounterSlot, counterRange } from './counters.js';
import { valuesToBytes } from './decode.js';
import { RangeGuard } from './plausibility.js';
import { PollScheduler, type Scheduled } from './poll-scheduler.js';
import { planReads, type ReadBlock } from './read-plan.js';

export interface PolledReading {
  device: string;
  ts: number;
  values: Record<string, FieldValue>;
  quality: Quality;
}

/** A reading as the poller emits it: created with its outbox priority, so every one has one shape. */
export interface PrioritizedReading extends PolledReading {
  priority: number;
}

export interface DeviceCounters {
  polls: number;
  ok: number;
  timeouts: number;
  exceptions: number;
  connectionErrors: number;
  decodeErrors: number;
  /** Values dropped as implausible: outside the profile's min/max, or not finite. */
  rangeErrors: number;
  /** Counter registers that wrapped around (the total carried on). */
  counterWraps: number;
  /** Counter registers that dropped otherwise: reset or meter replaced (the total continued). */
  counterResets: number;
  /** Polls not sent because the device's circuit breaker was open. */
  skipped: number;
  /** How late polls started against the ideal timeline, ms (last 256, for jitter percentiles). */
  lateness: number[];
}

/** A block's words (or bits as 0/1) as read through bus.read(), decoded into `values`. */
function decodeValues(block: ReadBlock, words: readonly number[], values: Record<string, FieldValue>): void {
  if (words.length < block.count)
    throw new DecodeError(`short response: ${words.length} of ${block.count} words`);
  block.decodeInto(valuesToBytes(block.area, words), 0, values);
}

/**
 * Reads one device once: every block of its read plan, decoded with its profile. One block after
 * the other by default; `parallel` sends them all at once, for a pipelining TCP bus and a device
 * known to answer (a dead one would hold several in-flight slots for a whole timeout).
 * Non-finite floats come back as NaN (the poller drops them; `read` shows them).
 */
export async function pollDevice(
  bus: ModbusBus,
  unitId: number,
  blocks: ReadBlock[],
  opts: RequestOptions = {},
  parallel = false,
): Promise<Record<string, FieldValue>> {
  const values: Record<string, FieldValue> = {};
  if (parallel && blocks.length > 1) {
    const answers = await Promise.all(blocks.map((b) => bus.read(unitId, b.area, b.address, b.count, opts)));
    for (let i = 0; i < blocks.length; i++) decodeValues(blocks[i]!, answers[i]!, values);
    return values;
  }
  for (const block of blocks)
    decodeValues(block, await bus.read(unitId, block.area, block.address, block.count, opts), values);
  return values;
}

/** One block's read request, kept by its poller and sent again every poll. */
class BlockRead extends ModbusTransaction {
  /** The poll attempt it was last sent for. */
  attemptId = 0;

  constructor(
    private readonly poller: DevicePoller,
    readonly index: number,
    block: ReadBlock,
    unitId: number,
    timeoutMs: number | undefined,
  ) {
    super(unitId, READ_FC[block.area], block.address, block.count, timeoutMs);
  }

  answered(err: Error | undefined, bytes: Uint8Array, off: number): void {
    this.poller.blockAnswered(this.attemptId, this.index, err, bytes, off);
  }
}

const LATENESS_WINDOW = 256;

export interface PollerOptions {
  /** Shared by the pollers of a PollingSet, so polls due together start together. */
  scheduler?: PollScheduler;
  /** Counter continuity state; the agent's is persisted with the outbox. */
  counters?: CounterBook;
  now?: () => number;
  /** The outbox priority of a reading (PriorityClassifier); default: routine (0). */
  classify?: (reading: PrioritizedReading) => number;
}

/**
 * Polls one device on its interval. Schedules against the ideal timeline (not "interval after the
 * last poll finished") so slow responses do not make the schedule drift; a circuit breaker keeps
 * a dead device from taking bus time from the others. Each good reading is checked against the
 * profile's plausible ranges, and its counters are made continuous, before it is emitted.
 *
 * A poll is a small callback state machine rather than an async function: a thousand devices
 * polled every second made the Promise and microtask per step a large part of the agent's CPU.
 */
export class DevicePoller {
  readonly counters: DeviceCounters = {
    polls: 0,
    ok: 0,
    timeouts: 0,
    exceptions: 0,
    connectionErrors: 0,
    decodeErrors: 0,
    rangeErrors: 0,
    counterWraps: 0,
    counterResets: 0,
    skipped: 0,
    lateness: [],
  };
  readonly breaker = new CircuitBreaker();
  private readonly blocks: ReadBlock[];
  private readonly guard: RangeGuard;
  private readonly counterFields: Array<{ name: string; range: CounterRange | undefined; slot: CounterSlot }>;
  private readonly book: CounterBook;
  private readonly scheduler: PollScheduler;
  private readonly now: () => number;
  private readonly opts: RequestOptions;
  private readonly classify: (reading: PrioritizedReading) => number;
  /** One reusable request per block (replaced if still out when the block is sent again). */
  private readonly reads: BlockRead[];
  private scheduled?: Scheduled;
  private nextAt = 0;
  /** The latest clock reading this poll took (reschedule reuses it instead of reading the clock again). */
  private lastNow = 0;
  /** Where the next lateness sample goes once the window is full (a ring: no shift per poll). */
  private latenessNext = 0;
  private failing = false;
  private stopped = true;
  /** A poll (with its retries) is under way; stop() waits for it. */
  private busy = false;
  private whenIdle?: () => void;
  // The poll under way: its attempt, how it is sent, and what its blocks gave so far.
  private attempt = 0;
  private retries = 0;
  private parallel = false;
  /** Tells the current attempt's answers from late ones of an abandoned attempt. */
  private attemptId = 0;
  private left = 0;
  private values: Record<string, FieldValue> = {};
  /** Fields currently dropped as implausible: logged when they go bad and when they recover. */
  private readonly implausible = new Set<string>();

  constructor(
    private readonly bus: ModbusBus,
    readonly device: DeviceConfig,
    profile: DeviceProfile,
    private readonly emit: (reading: PrioritizedReading) => void,
    private readonly logger: Logger,
    options: PollerOptions = {},
  ) {
    this.blocks = planReads(profile);
    this.guard = new RangeGuard(profile);
    this.book = options.counters ?? new CounterBook();
    this.counterFields = profile.registers
      .filter((r) => r.kind === 'counter' && r.type !== 'bool' && r.type !== 'string')
      .map((r) => ({ name: r.name, range: counterRange(r), slot: this.book.slot(device.id, r.name) }));
    this.scheduler = options.scheduler ?? new PollScheduler(1);
    this.now = options.now ?? Date.now;
    this.opts = { timeoutMs: device.timeoutMs, turnaroundMs: device.turnaroundMs };
    this.classify = options.classify ?? (() => 0);
    this.reads = this.blocks.map((_, i) => this.blockRead(i));
  }

  private blockRead(i: number): BlockRead {
    return new BlockRead(this, i, this.blocks[i]!, this.device.unitId, this.device.timeoutMs);
  }

  start(firstAt = this.now()): void {
    this.stopped = false;
    this.nextAt = firstAt;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.scheduled = this.scheduler.schedule(this.nextAt, this.onDue);
  }

  private readonly onDue = (): void => {
    const started = this.now();
    this.lastNow = started;
    this.recordLateness(started - this.nextAt);
    if (!this.breaker.allow(started)) {
      this.counters.skipped++;
      this.reschedule();
      return;
    }
    this.busy = true;
    this.counters.polls++;
    // Retrying is for a lost frame from a healthy device; a device already failing (or being probed)
    // gets one attempt, so a dead device costs the shared bus one timeout per poll at most.
    const healthy = !this.failing && this.breaker.state === 'closed';
    this.retries = healthy ? (this.device.retries ?? 1) : 0;
    // All blocks at once on a pipelining TCP bus, for a device known to answer (a dead one would
    // hold several in-flight slots for a whole timeout); otherwise one after the other.
    this.parallel = healthy && this.bus.pipelined && this.blocks.length > 1;
    this.attempt = 0;
    this.sendAttempt();
  };

  private readonly sendAttempt = (): void => {
    const id = ++this.attemptId;
    this.values = {};
    this.left = this.blocks.length;
    if (this.parallel) for (let i = 0; i < this.blocks.length; i++) this.readBlock(id, i);
    else this.readBlock(id, 0);
  };

  private readBlock(id: number, i: number): void {
    let r = this.reads[i]!;
    // Still out from an abandoned attempt (answered late or timing out): send a fresh one.
    if (r.busy) r = this.reads[i] = this.blockRead(i);
    r.attemptId = id;
    this.bus.submit(r, this.opts);
  }

  /** @internal A block's answer (BlockRead.answered): its data bytes at bytes[off..], or an error. */
  blockAnswered(id: number, i: number, err: Error | undefined, bytes: Uint8Array, off: number): void {
    if (id !== this.attemptId || this.left === 0) return; // an abandoned attempt, or one already failed
    try {
      if (err) throw err;
      this.blocks[i]!.decodeInto(bytes, off, this.values);
    } catch (e) {
      this.left = 0;
      this.attemptFailed(e);
      return;
    }
    if (--this.left > 0) {
      if (!this.parallel) this.readBlock(id, i + 1);
      return;
    }
    this.pollSucceeded(this.values);
  }

  private pollSucceeded(values: Record<string, FieldValue>): void {
    try {
      this.counters.ok++;
      this.breaker.success();
      if (this.failing) this.logger.info({ device: this.device.id }, 'device answers again');
      this.failing = false;
      this.screen(values);
      // The sample time is when the device answered, not when the poll was queued.
      const ts = this.now();
      this.lastNow = ts;
      const reading: PrioritizedReading = {
        device: this.device.id,
        ts,
        values,
        quality: 'good',
        priority: 0,
      };
      reading.priority = this.classify(reading);
      this.emit(reading);
    } catch (err) {
      this.attemptFailed(err);
      return;
    }
    this.pollDone();
  }

  private attemptFailed(err: unknown): void {
    this.count(err);
    // Exceptions and garbage will not change on an immediate retry; timeouts might.
    const retryable =
      err instanceof ModbusRequestError && err.kind !== 'exception' && err.kind !== 'malformed';
    if (this.attempt < this.retries && retryable && !this.stopped) {
      setTimeout(this.sendAttempt, 20 * 2 ** this.attempt++);
      return;
    }
    try {
      this.lastNow = this.now();
      this.breaker.failure(this.lastNow);
      this.markFailing(err);
    } finally {
      this.pollDone();
    }
  }

  /** The poll is over (read, or given up): plan the next one. */
  private pollDone(): void {
    this.busy = false;
    this.reschedule();
    const idle = this.whenIdle;
    this.whenIdle = undefined;
    idle?.();
  }

  private reschedule(): void {
    this.nextAt += this.device.pollIntervalMs;
    // After a long stall, skip the missed slots instead of firing a burst. The clock as the poll
    // last read it (when it started, answered or failed): a poll's callbacks take microseconds.
    const now = this.lastNow;
    if (this.nextAt < now)
      this.nextAt += Math.ceil((now - this.nextAt) / this.device.pollIntervalMs) * this.device.pollIntervalMs;
    this.schedule();
  }

  /** Drops implausible values (logged once per field until it recovers); makes counters continuous. */
  private screen(values: Record<string, FieldValue>): void {
    const dropped = this.guard.check(values);
    if (dropped.length > 0 || this.implausible.size > 0) this.noteImplausible(values, dropped);
    for (const c of this.counterFields) {
      const v = values[c.name];
      if (typeof v !== 'number') continue;
      const total = c.slot.advance(v, c.range);
      const event = c.slot.event;
      values[c.name] = total;
      if (event === 'wrap') this.counters.counterWraps++;
      else if (event === 'reset') {
        this.counters.counterResets++;
        this.logger.warn(
          { device: this.device.id, field: c.name, raw: v, total },
          'counter went backwards (reset or meter replaced); the total continues from its last value',
        );
      }
    }
  }

  private noteImplausible(values: Record<string, FieldValue>, dropped: string[]): void {
    this.counters.rangeErrors += dropped.length;
    for (const name of dropped) {
      if (this.implausible.has(name)) continue;
      this.implausible.add(name);
      this.logger.warn(
        { device: this.device.id, field: name },
        'implausible value dropped (outside the profile range, or not a number); logged once until it recovers',
      );
    }
    for (const name of this.implausible) {
      if (name in values) {
        this.implausible.delete(name);
        this.logger.info({ device: this.device.id, field: name }, 'value plausible again');
      }
    }
  }

  private count(err: unknown): void {
    if (err instanceof ModbusRequestError) {
      if (err.kind === 'timeout') this.counters.timeouts++;
      else if (err.kind === 'exception') this.counters.exceptions++;
      else if (err.kind === 'malformed') this.counters.decodeErrors++;
      else this.counters.connectionErrors++;
    } else if (err instanceof DecodeError) {
      this.counters.decodeErrors++;
    } else {
      this.counters.connectionErrors++;
    }
  }

  /** One comm_fail reading per outage, so the cloud never mistakes a dead sensor for an inactive person. */
  private markFailing(err: unknown): void {
    if (!this.failing) {
      this.logger.warn({ device: this.device.id, err: (err as Error).message }, 'device poll failed');
      const reading: PrioritizedReading = {
        device: this.device.id,
        ts: this.now(),
        values: {},
        quality: 'comm_fail',
        priority: 0,
      };
      reading.priority = this.classify(reading);
      this.emit(reading);
    }
    this.failing = true;
  }

  private recordLateness(ms: number): void {
    const l = this.counters.lateness;
    // The last LATENESS_WINDOW samples, in no particular order (percentiles sort them anyway).
    if (l.length < LATENESS_WINDOW) l.push(ms);
    else {
      if (this.latenessNext >= LATENESS_WINDOW) this.latenessNext = 0;
      l[this.latenessNext++] = ms;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.scheduled) this.scheduler.cancel(this.scheduled);
    if (this.busy) await new Promise<void>((resolve) => (this.whenIdle = resolve));
  }
}
