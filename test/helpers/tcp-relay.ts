import { createConnection, createServer, type Socket } from 'node:net';
import { LOOPBACK } from './ports.js';

/**
 * A TCP relay on a free loopback port in front of a service, so a test can take one client off
 * the service (cut) and let it back (mend) while other clients reach the service directly.
 */
export interface TcpRelay {
  readonly port: number;
  /** Drops every relayed connection and refuses new ones (accepted, then closed at once). */
  cut(): void;
  /** Relays new connections again. */
  mend(): void;
  close(): Promise<void>;
}

export async function startTcpRelay(targetPort: number, targetHost = LOOPBACK): Promise<TcpRelay> {
  const open = new Set<Socket>();
  let cut = false;
  const server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ port: targetPort, host: targetHost });
    open.add(client);
    open.add(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('relay: no TCP address');
  return {
    port: address.port,
    cut() {
      cut = true;
      for (const socket of open) socket.destroy();
      open.clear();
    },
    mend() {
      cut = false;
    },
    close() {
      cut = true;
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
