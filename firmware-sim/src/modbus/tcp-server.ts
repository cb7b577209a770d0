import net from 'node:net';
import { ExceptionCode, exceptionPdu, type PduResult, SILENCE } from './pdu.js';

/** Resolves a unit id to its answer; undefined means no device behind that unit id. */
export type UnitHandler = (unitId: number, pdu: Buffer) => PduResult | undefined;

export interface TcpServerOptions {
  host?: string;
  port: number;
  handle: UnitHandler;
}

const MBAP_LENGTH = 7;

/** Modbus TCP server: MBAP framing over net.Server, pipelined requests answered in order of arrival. */
export class ModbusTcpServer {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  requests = 0;

  constructor(private readonly options: TcpServerOptions) {}

  async start(): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => resolve());
    });
    return (server.address() as net.AddressInfo).port;
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= MBAP_LENGTH) {
        const length = pending.readUInt16BE(4);
        if (pending.readUInt16BE(2) !== 0 || length < 2 || length > 254) {
          socket.destroy(); // not Modbus: drop the connection as real devices do
          return;
        }
        if (pending.length < 6 + length) break;
        const frame = pending.subarray(0, 6 + length);
        pending = pending.subarray(6 + length);
        this.answer(socket, frame);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private answer(socket: net.Socket, frame: Buffer): void {
    this.requests++;
    const unitId = frame[6]!;
    const pdu = frame.subarray(7);
    // A TCP gateway answers 0x0B for a unit id with no device behind it (Modbus spec, §6 of the
    // Messaging on TCP/IP guide), so clients can tell "no device" from "gateway down".
    const result =
      this.options.handle(unitId, pdu) ??
      exceptionPdu(pdu[0] ?? 0, ExceptionCode.GatewayTargetFailedToRespond);
    if (result === SILENCE || socket.destroyed) return;
    const header = Buffer.alloc(MBAP_LENGTH);
    frame.copy(header, 0, 0, 4); // transaction id, protocol id
    header.writeUInt16BE(result.length + 1, 4);
    header[6] = unitId;
    socket.write(Buffer.concat([header, result]));
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
