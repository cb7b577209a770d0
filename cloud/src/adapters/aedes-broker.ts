import net from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from 'pino';
import { parseTopic } from '../../../protocols/src/index.js';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Called before the broker acknowledges a telemetry PUBLISH; the PUBACK waits for it to resolve. */
  onTelemetry: (topic: string, payload: Buffer) => Promise<unknown>;
}

export interface EmbeddedBroker {
  broker: Aedes;
  port: number;
  close(): Promise<void>;
}

/**
 * The embedded aedes broker of `npm start`. Ingest runs inside authorizePublish, which aedes calls
 * before it sends PUBACK: the gateway deletes a reading from its outbox only once it is durable
 * here, so a crash of this process loses nothing. A failed store write refuses the publish, which
 * disconnects the gateway; it reconnects and sends the batch again.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker({
    maxClientsIdLength: 128,
    authorizePublish: (client, packet, callback) => {
      const parsed = parseTopic(packet.topic);
      if (parsed?.kind !== 'telemetry' || client === null) return callback(null);
      options.onTelemetry(packet.topic, packet.payload as Buffer).then(
        () => callback(null),
        (err: Error) => {
          options.logger.warn(
            { err: err.message, client: client.id },
            'telemetry not stored; refusing publish',
          );
          callback(err);
        },
      );
    },
  });
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  options.logger.info({ host: options.host, port }, 'embedded MQTT broker (aedes) listening');
  return {
    broker,
    port,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
