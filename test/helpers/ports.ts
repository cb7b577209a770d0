import { createConnection, createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** Asks the kernel for a currently free TCP port on 127.0.0.1 (listen on :0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: listen() returned no TCP address'));
        return;
      }
      server.close((err) => (err ? reject(err) : resolve(address.port)));
    });
  });
}

/** True if a TCP connection to host:port is accepted right now. */
export function canConnect(port: number, host = LOOPBACK, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const PORT_CLASH = /address already in use|EADDRINUSE|Address in use/i;

/**
 * freePort() closes its socket before the service binds, so another process may grab the port in
 * between. Retry the whole start with fresh ports when that (rare) race is the cause of failure.
 */
export async function withPortRetry<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (attempt >= attempts || !PORT_CLASH.test(message)) throw err;
    }
  }
}
