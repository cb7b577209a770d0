import { SerialPort } from 'serialport';
import { hasValidCrc, withCrc } from './crc16.js';
import { SILENCE } from './pdu.js';
import { RtuFrameReader } from './rtu-frames.js';
import type { UnitHandler } from './tcp-server.js';

export interface RtuServerOptions {
  /** A serial device: /dev/ttyUSB0, or one end of a socat pty pair. */
  path: string;
  baudRate: number;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
  /** Answers for the unit ids on this line; undefined = no such device here. */
  handle: UnitHandler;
}

/**
 * Modbus RTU slave side of one RS-485 line, serving every simulated unit on it. Like real devices
 * on a shared bus it stays silent for frames that are not for one of its units and for frames with
 * a bad CRC (the master then times out), and never answers broadcasts (unit 0).
 */
export class ModbusRtuServer {
  private port?: SerialPort;
  private reader?: RtuFrameReader;
  requests = 0;
  /** Frames dropped because their CRC did not match (line noise, collisions). */
  crcErrors = 0;

  constructor(private readonly options: RtuServerOptions) {}

  async start(): Promise<void> {
    const { path, baudRate, parity = 'none', stopBits = 1 } = this.options;
    const port = new SerialPort({ path, baudRate, parity, stopBits, dataBits: 8, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    this.port = port;
    this.reader = new RtuFrameReader(baudRate, (frame) => this.answer(frame));
    port.on('data', (chunk: Buffer) => this.reader?.push(chunk));
    port.on('error', () => undefined); // a vanished pty surfaces as close; nothing to do per error
  }

  private answer(frame: Buffer): void {
    if (frame.length < 4) return;
    if (!hasValidCrc(frame)) {
      this.crcErrors++;
      return;
    }
    const unitId = frame[0]!;
    if (unitId === 0) return;
    this.requests++;
    const result = this.options.handle(unitId, frame.subarray(1, frame.length - 2));
    if (result === undefined || result === SILENCE) return;
    this.port?.write(withCrc(Buffer.concat([Buffer.from([unitId]), result])));
  }

  async stop(): Promise<void> {
    this.reader?.stop();
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
