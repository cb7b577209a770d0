import type { Logger } from 'pino';
import {
  DecodeError,
  type DeviceProfile,
  decodeRegister,
  type FieldValue,
  type Quality,
  registerSpan,
} from '../../protocols/src/index.js';
import { CircuitBreaker } from './bus/circuit-breaker.js';
import { type ModbusBus, ModbusRequestError, type RequestOptions } from './bus/modbus-bus.js';
import { sleep } from './bus/timing.js';
import type { DeviceConfig } from './config.js';
import { planReads, type ReadBlock } from './read-plan.js';

export interface PolledReading {
  device: string;
  ts: number;
  values: Record<string, FieldValue>;
  quality: Quality;
}

export interface DeviceCounters {
  polls: number;
  ok: number;
  timeouts: number;
  exceptions: number;
  connectionErrors: number;
  decodeErrors: number;
  /** Polls not sent because the device's circuit breaker was open. */
  skipped: number;
  /** How late polls started against the ideal timeline, ms (last 256, for jitter percentiles). */
  lateness: number[];
}

/** Reads one device once: every block of its read plan, decoded with its profile. */
export async function pollDevice(
  bus: ModbusBus,
  unitId: number,
  blocks: ReadBlock[],
  opts: RequestOptions = {},
): Promise<Record<string, FieldValue>> {
  const values: Record<string, FieldValue> = {};
  for (const block of blocks) {
    const words = await bus.read(unitId, block.area, block.address, block.count, opts);
    if (words.length < block.count)
      throw new DecodeError(`short response: ${words.length} of ${block.count} words`);
    for (const reg of block.registers) {
      const start = reg.address - block.address;
      values[reg.name] = decodeRegister(reg, words.slice(start, start + registerSpan(reg)));
    }
  }
  return values;
}

const LATENESS_WINDOW = 256;

/**
 * Polls one device on its interval. Schedules against the ideal timeline (not "interval after the
 * last poll finished") so slow responses do not make the schedule drift; a circuit breaker keeps
 * a dead device from taking bus time from the others.
 */
export class DevicePoller {
  readonly counters: DeviceCounters = {
    polls: 0,
    ok: 0,
    timeouts: 0,
    exceptions: 0,
    connectionErrors: 0,
    decodeErrors: 0,
    skipped: 0,
    lateness: [],
  };
  readonly breaker = new CircuitBreaker();
  private readonly blocks: ReadBlock[];
  private timer?: NodeJS.Timeout;
  private nextAt = 0;
  private failing = false;
  private stopped = true;
  private inFlight?: Promise<void>;

  constructor(
    private readonly bus: ModbusBus,
    readonly device: DeviceConfig,
    profile: DeviceProfile,
    private readonly emit: (reading: PolledReading) => void,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.blocks = planReads(profile);
  }

  start(firstAt = this.now()): void {
    this.stopped = false;
    this.nextAt = firstAt;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => {
        this.inFlight = this.tick();
      },
      Math.max(0, this.nextAt - this.now()),
    );
  }

  private async tick(): Promise<void> {
    const started = this.now();
    this.recordLateness(started - this.nextAt);
    if (this.breaker.allow(started)) {
      await this.pollOnce();
    } else {
      this.counters.skipped++;
    }
    this.nextAt += this.device.pollIntervalMs;
    // After a long stall, skip the missed slots instead of firing a burst.
    if (this.nextAt < this.now()) this.nextAt = this.now() + this.device.pollIntervalMs;
    this.schedule();
  }

  private async pollOnce(): Promise<void> {
    this.counters.polls++;
    // Retrying is for a lost frame from a healthy device; a device already failing (or being probed)
    // gets one attempt, so a dead device costs the shared bus one timeout per poll at most.
    const retries = this.failing || this.breaker.state === 'half-open' ? 0 : (this.device.retries ?? 1);
    const opts = { timeoutMs: this.device.timeoutMs, turnaroundMs: this.device.turnaroundMs };
    for (let attempt = 0; ; attempt++) {
      try {
        const values = await pollDevice(this.bus, this.device.unitId, this.blocks, opts);
        this.counters.ok++;
        this.breaker.success();
        if (this.failing) this.logger.info({ device: this.device.id }, 'device answers again');
        this.failing = false;
        // The sample time is when the device answered, not when the poll was queued.
        this.emit({ device: this.device.id, ts: this.now(), values, quality: 'good' });
        return;
      } catch (err) {
        this.count(err);
        // Exceptions and garbage will not change on an immediate retry; timeouts might.
        const retryable = err instanceof ModbusRequestError && err.kind !== 'exception';
        if (attempt < retries && retryable && !this.stopped) {
          await sleep(20 * 2 ** attempt);
          continue;
        }
        this.breaker.failure(this.now());
        this.markFailing(err);
        return;
      }
    }
  }

  private count(err: unknown): void {
    if (err instanceof ModbusRequestError) {
      if (err.kind === 'timeout') this.counters.timeouts++;
      else if (err.kind === 'exception') this.counters.exceptions++;
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
      this.emit({ device: this.device.id, ts: this.now(), values: {}, quality: 'comm_fail' });
    }
    this.failing = true;
  }

  private recordLateness(ms: number): void {
    const l = this.counters.lateness;
    l.push(ms);
    if (l.length > LATENESS_WINDOW) l.shift();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.inFlight;
  }
}
