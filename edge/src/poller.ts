import type { Logger } from 'pino';
import {
  DecodeError,
  type DeviceProfile,
  decodeRegister,
  type FieldValue,
  type Quality,
  registerSpan,
} from '../../protocols/src/index.js';
import { type ModbusBus, ModbusRequestError } from './bus/modbus-bus.js';
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
}

/** Reads one device once: every block of its read plan, decoded with its profile. */
export async function pollDevice(
  bus: ModbusBus,
  device: DeviceConfig,
  blocks: ReadBlock[],
): Promise<Record<string, FieldValue>> {
  const values: Record<string, FieldValue> = {};
  for (const block of blocks) {
    const words = await bus.read(device.unitId, block.area, block.address, block.count);
    if (words.length < block.count)
      throw new DecodeError(`short response: ${words.length} of ${block.count} words`);
    for (const reg of block.registers) {
      const start = reg.address - block.address;
      const raw = words.slice(start, start + registerSpan(reg));
      values[reg.name] = decodeRegister(reg, raw);
    }
  }
  return values;
}

/**
 * Polls one device on its interval. Schedules against the ideal timeline (not "interval after
 * the last poll finished") so slow responses do not make the schedule drift.
 */
export class DevicePoller {
  readonly counters: DeviceCounters = {
    polls: 0,
    ok: 0,
    timeouts: 0,
    exceptions: 0,
    connectionErrors: 0,
    decodeErrors: 0,
  };
  private readonly blocks: ReadBlock[];
  private timer?: NodeJS.Timeout;
  private nextAt = 0;
  private failing = false;
  private stopped = true;

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

  start(): void {
    this.stopped = false;
    this.nextAt = this.now();
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = Math.max(0, this.nextAt - this.now());
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    const ts = this.now();
    this.counters.polls++;
    try {
      const values = await pollDevice(this.bus, this.device, this.blocks);
      this.counters.ok++;
      if (this.failing) this.logger.info({ device: this.device.id }, 'device answers again');
      this.failing = false;
      this.emit({ device: this.device.id, ts, values, quality: 'good' });
    } catch (err) {
      this.recordFailure(err, ts);
    }
    this.nextAt += this.device.pollIntervalMs;
    // After a long stall, skip the missed slots instead of firing a burst.
    if (this.nextAt < this.now()) this.nextAt = this.now() + this.device.pollIntervalMs;
    this.schedule();
  }

  private recordFailure(err: unknown, ts: number): void {
    if (err instanceof ModbusRequestError) {
      if (err.kind === 'timeout') this.counters.timeouts++;
      else if (err.kind === 'exception') this.counters.exceptions++;
      else this.counters.connectionErrors++;
    } else if (err instanceof DecodeError) {
      this.counters.decodeErrors++;
    } else {
      this.counters.connectionErrors++;
    }
    // One comm_fail reading per outage, so the cloud never mistakes a dead sensor for an inactive person.
    if (!this.failing) {
      this.logger.warn({ device: this.device.id, err: (err as Error).message }, 'device poll failed');
      this.emit({ device: this.device.id, ts, values: {}, quality: 'comm_fail' });
    }
    this.failing = true;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
