import { DecodeError, type FunctionArea } from '../../../protocols/src/index.js';
import type { BusConfig } from '../config.js';
import { valuesToBytes } from '../decode.js';
import { ModbusRequestError } from './errors.js';
import { type ClientStats, ModbusTcpClient, type ModbusTransaction } from './modbus-tcp-client.js';
import { SerialConnection, type SerialRequestOptions } from './serial-connection.js';

export { type ModbusFailure, ModbusRequestError } from './errors.js';

export type RequestOptions = SerialRequestOptions;

export const READ_FC = { coil: 1, discrete: 2, holding: 3, input: 4 } as const;
const AREA_OF_FC: readonly FunctionArea[] = ['holding', 'coil', 'discrete', 'holding', 'input'];
const NO_BYTES = Buffer.alloc(0);

/**
 * One physical bus. A serial line carries one transaction at a time with the 3.5-character
 * silence between frames (modbus-serial); a Modbus TCP endpoint gets our own pipelined client on
 * one connection with up to `maxConcurrent` transactions in flight (default 1, since most
 * TCP-to-RTU gateways serialise anyway).
 */
export class ModbusBus {
  private readonly tcp?: ModbusTcpClient;
  private readonly serial?: SerialConnection;
  private closed = false;

  constructor(readonly config: BusConfig) {
    if (config.type === 'tcp')
      this.tcp = new ModbusTcpClient({
        host: config.host,
        port: config.port,
        maxInFlight: config.maxConcurrent ?? 1,
        timeoutMs: config.timeoutMs ?? 1000,
      });
    else this.serial = new SerialConnection(config);
  }

  /** Request, write and timeout counts of a TCP bus (undefined for RTU). */
  get tcpStats(): Readonly<ClientStats> | undefined {
    return this.tcp?.stats;
  }

  /** Whether several requests may be in flight at once (a TCP bus with maxConcurrent > 1). */
  get pipelined(): boolean {
    return this.config.type === 'tcp' && (this.config.maxConcurrent ?? 1) > 1;
  }

  /** Reads words (or bits as 0/1) from one unit; errors are ModbusRequestError. */
  read(
    unitId: number,
    area: FunctionArea,
    address: number,
    count: number,
    opts: RequestOptions = {},
  ): Promise<number[]> {
    if (this.closed) return Promise.reject(new ModbusRequestError('connection', 'bus is closed'));
    if (this.tcp) return this.tcp.read(unitId, READ_FC[area], address, count, opts.timeoutMs);
    return this.serial!.run(unitId, opts, async (client) => {
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

  /**
   * Sends a read the caller keeps and sends again (the polling hot path): a TCP bus answers it
   * from its receive buffer; a serial bus through read(), its words re-encoded as on the wire.
   */
  submit(tx: ModbusTransaction, opts: RequestOptions): void {
    if (this.tcp && !this.closed) {
      this.tcp.submit(tx);
      return;
    }
    tx.busy = true;
    this.read(tx.unitId, AREA_OF_FC[tx.fc]!, tx.address, tx.count, opts).then(
      (values) => {
        tx.busy = false;
        if (values.length < tx.count)
          tx.answered(new DecodeError(`short response: ${values.length} of ${tx.count} words`), NO_BYTES, 0);
        else tx.answered(undefined, valuesToBytes(AREA_OF_FC[tx.fc]!, values), 0);
      },
      (err: Error) => {
        tx.busy = false;
        tx.answered(err, NO_BYTES, 0);
      },
    );
  }

  /** Writes holding registers (FC 6/16) or coils (FC 5/15), for commissioning commands. */
  write(
    unitId: number,
    area: 'holding' | 'coil',
    address: number,
    values: number[],
    opts: RequestOptions = {},
  ): Promise<void> {
    if (this.closed) return Promise.reject(new ModbusRequestError('connection', 'bus is closed'));
    if (this.tcp) return this.tcp.write(unitId, area, address, values, opts.timeoutMs);
    return this.serial!.run(unitId, opts, async (client) => {
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
    await (this.tcp ?? this.serial)!.close();
  }
}

export function describeBus(bus: BusConfig): string {
  return bus.type === 'tcp' ? `Modbus TCP ${bus.host}:${bus.port}` : `serial ${bus.path} @${bus.baudRate}`;
}
