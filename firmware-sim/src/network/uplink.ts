import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';

/**
 * A gateway's simulated WAN uplink: a loopback TCP relay between the edge agent and the MQTT
 * broker that can be cut like a 4G modem losing signal. While cut, open connections are reset and
 * new ones are reset on arrival, so the agent sees what a real outage does to it: the broker is
 * unreachable, readings pile up in its outbox, and it reconnects when the link is back.
 */
export interface Uplink {
  readonly host: string;
  readonly port: number;
  readonly isCut: boolean;
  readonly stats: { connections: number; resets: number; cuts: number };
  cut(): void;
  restore(): void;
  stop(): Promise<void>;
}

export interface UplinkOptions {
  target: { host: string; port: number };
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  logger?: Logger;
}

export async function startUplink(options: UplinkOptions): Promise<Uplink> {
  const host = options.host ?? '127.0.0.1';
  const open = new Set<Socket>();
  const stats = { connections: 0, resets: 0, cuts: 0 };
  let isCut = false;

  const reset = (socket: Socket) => {
    stats.resets++;
    socket.resetAndDestroy();
  };

  const server: Server = createServer((client) => {
    if (isCut) return reset(client);
    stats.connections++;
    const broker = createConnection(options.target);
    open.add(client);
    open.add(broker);
    const close = () => {
      open.delete(client);
      open.delete(broker);
      client.destroy();
      broker.destroy();
    };
    client.on('error', close).on('close', close);
    broker.on('error', close).on('close', close);
    client.pipe(broker);
    broker.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('uplink: no TCP address');

  return {
    host,
    port: address.port,
    get isCut() {
      return isCut;
    },
    stats,
    cut() {
      if (isCut) return;
      isCut = true;
      stats.cuts++;
      for (const socket of open) reset(socket);
      open.clear();
      options.logger?.warn({ uplink: address.port }, 'uplink cut (simulated network loss)');
    },
    restore() {
      if (!isCut) return;
      isCut = false;
      options.logger?.info({ uplink: address.port }, 'uplink restored');
    },
    async stop() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
