import ModbusSerial from 'modbus-serial';
import type { BusConfig } from '../config.js';
import { exceptionError, explainOpenError, ModbusRequestError } from './errors.js';
import { silentIntervalMs, sleep } from './timing.js';

// modbus-serial is CommonJS (module.exports = ModbusRTU) while its typings declare a default export;
// under NodeNext the default import is the class at run time, so this only corrects the type.
const ModbusRTU = ModbusSerial as unknown as typeof ModbusSerial.default;
export type SerialClient = InstanceType<typeof ModbusRTU>;

type RtuBusConfig = Extract<BusConfig, { type: 'rtu' }>;

interface ModbusErrorShape {
  errno?: string;
  modbusCode?: number;
  message?: string;
}

function classify(err: unknown): ModbusRequestError {
  const e = (err ?? {}) as ModbusErrorShape;
  if (typeof e.modbusCode === 'number') return exceptionError(e.modbusCode);
  if (e.errno === 'ETIMEDOUT') return new ModbusRequestError('timeout', 'no response (timed out)');
  return new ModbusRequestError('connection', e.message ?? String(err));
}

export interface SerialRequestOptions {
  timeoutMs?: number;
  /** Extra silence after this device's answer before the next frame (slow RS-485 transceivers). */
  turnaroundMs?: number;
}

/**
 * A Modbus RTU line through modbus-serial: strictly one transaction at a time, with the
 * 3.5-character silence (plus the device's turnaround) after each. At serial rates the client
 * library's CPU cost does not matter; the line's timing does.
 */
export class SerialConnection {
  private readonly client: SerialClient = new ModbusRTU();
  private queue: Promise<unknown> = Promise.resolve();
  private connecting?: Promise<void>;

  constructor(private readonly config: RtuBusConfig) {}

  private async ensureOpen(): Promise<void> {
    if (this.client.isOpen) return;
    this.connecting ??= (async () => {
      try {
        await this.client.connectRTUBuffered(this.config.path, {
          baudRate: this.config.baudRate,
          parity: this.config.parity ?? 'none',
          dataBits: this.config.dataBits ?? 8,
          stopBits: this.config.stopBits ?? 1,
        });
      } catch (err) {
        throw new ModbusRequestError(
          'connection',
          `cannot open serial ${this.config.path} @${this.config.baudRate}: ${explainOpenError(err)}`,
        );
      } finally {
        this.connecting = undefined;
      }
    })();
    await this.connecting;
  }

  run<T>(unitId: number, opts: SerialRequestOptions, op: (client: SerialClient) => Promise<T>): Promise<T> {
    const task = async (): Promise<T> => {
      await this.ensureOpen();
      this.client.setID(unitId);
      this.client.setTimeout(opts.timeoutMs ?? this.config.timeoutMs ?? 1000);
      try {
        return await op(this.client);
      } catch (err) {
        throw classify(err);
      } finally {
        await sleep(silentIntervalMs(this.config.baudRate) + (opts.turnaroundMs ?? 0));
      }
    };
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.client.isOpen) await new Promise<void>((resolve) => this.client.close(() => resolve()));
  }
}
