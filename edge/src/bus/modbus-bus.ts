import ModbusSerial from 'modbus-serial';
import type { FunctionArea } from '../../../protocols/src/index.js';
import type { BusConfig } from '../config.js';

// modbus-serial is CommonJS (module.exports = ModbusRTU) while its typings declare a default export;
// under NodeNext the default import is the class at run time, so this only corrects the type.
const ModbusRTU = ModbusSerial as unknown as typeof ModbusSerial.default;

export type ModbusFailure = 'timeout' | 'exception' | 'connection' | 'garbage';

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

function classify(err: unknown): ModbusRequestError {
  const e = (err ?? {}) as ModbusErrorShape;
  if (typeof e.modbusCode === 'number')
    return new ModbusRequestError(
      'exception',
      `Modbus exception 0x${e.modbusCode.toString(16).padStart(2, '0')}`,
      e.modbusCode,
    );
  if (e.errno === 'ETIMEDOUT') return new ModbusRequestError('timeout', 'no response (timed out)');
  return new ModbusRequestError('connection', e.message ?? String(err));
}

/**
 * One physical bus (a TCP endpoint or a serial line) driven by one modbus-serial client.
 * Requests are strictly serialised: a serial line carries one transaction at a time, and the
 * client's unit id is connection state.
 */
export class ModbusBus {
  private readonly client = new ModbusRTU();
  private queue: Promise<unknown> = Promise.resolve();
  private connecting?: Promise<void>;
  private closed = false;

  constructor(readonly config: BusConfig) {
    this.client.setTimeout(config.timeoutMs ?? 1000);
  }

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
        this.client.setTimeout(this.config.timeoutMs ?? 1000);
      } finally {
        this.connecting = undefined;
      }
    })();
    await this.connecting;
  }

  /** Reads words (or bits as 0/1) from one unit; errors are ModbusRequestError. */
  read(unitId: number, area: FunctionArea, address: number, count: number): Promise<number[]> {
    return this.enqueue(async () => {
      if (this.closed) throw new ModbusRequestError('connection', 'bus is closed');
      try {
        await this.ensureOpen();
      } catch (err) {
        throw new ModbusRequestError(
          'connection',
          `cannot open ${describe(this.config)}: ${(err as Error).message}`,
        );
      }
      this.client.setID(unitId);
      try {
        switch (area) {
          case 'holding':
            return (await this.client.readHoldingRegisters(address, count)).data;
          case 'input':
            return (await this.client.readInputRegisters(address, count)).data;
          case 'coil':
            return (await this.client.readCoils(address, count)).data.slice(0, count).map(Number);
          case 'discrete':
            return (await this.client.readDiscreteInputs(address, count)).data.slice(0, count).map(Number);
        }
      } catch (err) {
        throw classify(err);
      }
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    if (this.client.isOpen) await new Promise<void>((resolve) => this.client.close(() => resolve()));
  }
}

export function describe(bus: BusConfig): string {
  return bus.type === 'tcp' ? `Modbus TCP ${bus.host}:${bus.port}` : `serial ${bus.path} @${bus.baudRate}`;
}
