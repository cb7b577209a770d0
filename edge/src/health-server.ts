import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local health endpoint (loopback by default) for `linli-edge status` and monitoring.
 * node:http rather than Fastify: two read-only routes on a gateway with little memory.
 */
export async function startHealthServer(
  host: string,
  port: number,
  snapshot: () => { healthy: boolean; body: unknown },
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url !== '/health' && req.url !== '/status')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    const { healthy, body } = snapshot();
    res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
