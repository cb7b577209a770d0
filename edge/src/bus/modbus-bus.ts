import ModbusSerial from 'modbus-serial';
import type { FunctionArea } from '../../../protocols/src/index.js';
import type { BusConfig } from '../config.js';
import { silentIntervalMs, sleep } from './timing.js';

// modbus-serial is CommonJS (module.exports = ModbusRTU) while its typings declare a default export;
// under NodeNext the default import is the class at run time, so this only corrects the type.
const ModbusRTU = ModbusSerial as unknown as typeof ModbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

export type ModbusFailure = 'timeout' | 'exception' | 'connection';

/** A failed Modbus request, classified so counters and the circuit breaker can tell causes apart. */
export class ModbusRequestError extends Error {
  override name = 'ModbusRequestError';
  constructor(
    readonly kind: ModbusFailure,
    message: string,
    readonly exceptionCode?: number,
  ) {
    super(message);
  }
}

interface ModbusErrorShape {
  errno?: string;
  modbusCode?: number;
  message?: string;
}

const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  6: 'server device busy',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

function classify(err: unknown): ModbusRequestError {
  const e = (err ?? {}) as ModbusErrorShape;
  if (typeof e.modbusCode === 'number') {
    const name = EXCEPTION_NAMES[e.modbusCode] ?? 'unknown';
    return new ModbusRequestError(
      'exception',
      `Modbus exception 0x${e.modbusCode.toString(16).padStart(2, '0')} (${name})`,
      e.modbusCode,
    );
  }
  if (e.errno === 'ETIMEDOUT') return new ModbusRequestError('timeout', 'no response (timed out)');
  return new ModbusRequestError('connection', e.message ?? String(err));
}

export interface RequestOptions {
  timeoutMs?: number;
  /** Extra silence after this device's answer before the next frame (slow RS-485 transceivers). */
  turnaroundMs?: number;
}

/** One modbus-serial client with its own strictly sequential queue. */
class Connection {
  private readonly client: Client = new ModbusRTU();
  private queue: Promise<unknown> = Promise.resolve();
  pending = 0;
  private connecting?: Promise<void>;

  constructor(private readonly config: BusConfig) {}

  private async ensureOpen(): Promise<void> {
    if (this.client.isOpen) return;
    this.connecting ??= (async () => {
      try {
        if (this.config.type === 'tcp') {
          await this.client.connectTCP(this.config.host, { port: this.config.port });
        } else {
          await this.client.connectRTUBuffered(this.config.path, {
            baudRate: this.config.baudRate,
            parity: this.config.parity ?? 'none',
            dataBits: this.config.dataBits ?? 8,
            stopBits: this.config.stopBits ?? 1,
          });
        }
      } catch (err) {
        throw new ModbusRequestError(
          'connection',
          `cannot open ${describeBus(this.config)}: ${explainOpenError(err)}`,
        );
      } finally {
        this.connecting = undefined;
      }
    })();
    await this.connecting;
  }

  run<T>(unitId: number, opts: RequestOptions, op: (client: Client) => Promise<T>): Promise<T> {
    this.pending++;
    const task = async (): Promise<T> => {
      try {
        await this.ensureOpen();
        this.client.setID(unitId);
        this.client.setTimeout(opts.timeoutMs ?? this.config.timeoutMs ?? 1000);
        try {
          return await op(this.client);
        } catch (err) {
          throw classify(err);
        } finally {
          if (this.config.type === 'rtu')
            await sleep(silentIntervalMs(this.config.baudRate) + (opts.turnaroundMs ?? 0));
        }
      } finally {
        this.pending--;
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

function explainOpenError(err: unknown): string {
  const msg = (err as Error)?.message ?? String(err);
  if (/EACCES|Permission denied/i.test(msg))
    return `${msg} — permission denied: add the user to the "dialout" group (sudo usermod -aG dialout $USER) and log in again`;
  if (/EBUSY|Resource busy|Cannot lock port/i.test(msg))
    return `${msg} — the port is busy: another program has it open (check with: fuser -v <port>)`;
  if (/ENOENT|No such file/i.test(msg))
    return `${msg} — no such serial port: check the cable and the path (ls /dev/serial/by-id/)`;
  if (/ECONNREFUSED/.test(msg)) return `${msg} — nothing listens there: check the gateway's address and port`;
  return msg;
}

/**
 * One physical bus. A serial line carries one transaction at a time with the 3.5-character
 * silence between frames; a Modbus TCP endpoint may take up to `maxConcurrent` transactions at
 * once over as many connections (most TCP-to-RTU gateways serialise anyway, hence default 1).
 */
export class ModbusBus {
  private readonly connections: Connection[];
  private closed = false;

  constructor(readonly config: BusConfig) {
    const n = config.type === 'tcp' ? (config.maxConcurrent ?? 1) : 1;
    this.connections = Array.from({ length: n }, () => new Connection(config));
  }

  private pick(): Connection {
    let best = this.connections[0]!;
    for (const c of this.connections) if (c.pending < best.pending) best = c;
    return best;
  }

  private exec<T>(unitId: number, opts: RequestOptions, op: (client: Client) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ModbusRequestError('connection', 'bus is closed'));
    return this.pick().run(unitId, opts, op);
  }

  /** Reads words (or bits as 0/1) from one unit; errors are ModbusRequestError. */
  read(
    unitId: number,
    area: FunctionArea,
    address: number,
    count: number,
    opts: RequestOptions = {},
  ): Promise<number[]> {
    return this.exec(unitId, opts, async (client) => {
      switch (area) {
        case 'holding':
          return (await client.readHoldingRegisters(address, count)).data;
        case 'input':
          return (await client.readInputRegisters(address, count)).data;
        case 'coil':
          return (await client.readCoils(address, count)).data.slice(0, count).map(Number);
        case 'discrete':
          return (await client.readDiscreteInputs(address, count)).data.slice(0, count).map(Number);
      }
    });
  }

  /** Writes holding registers (FC 6/16) or coils (FC 5/15), for commissioning commands. */
  write(
    unitId: number,
    area: 'holding' | 'coil',
    address: number,
    values: number[],
    opts: RequestOptions = {},
  ): Promise<void> {
    return this.exec(unitId, opts, async (client) => {
      if (area === 'coil') {
        if (values.length === 1) await client.writeCoil(address, values[0] !== 0);
        else
          await client.writeCoils(
            address,
            values.map((v) => v !== 0),
          );
      } else if (values.length === 1) {
        await client.writeRegister(address, values[0]!);
      } else {
        await client.writeRegisters(address, values);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.connections.map((c) => c.close()));
  }
}

export function describeBus(bus: BusConfig): string {
  return bus.type === 'tcp' ? `Modbus TCP ${bus.host}:${bus.port}` : `serial ${bus.path} @${bus.baudRate}`;
}
