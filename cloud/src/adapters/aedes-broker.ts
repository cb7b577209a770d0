import net from 'node:net';
import { Aedes, type Client } from 'aedes';
import type { Logger } from 'pino';
import { parseTopic } from '../../../protocols/src/index.js';
import type { BrokerChannel } from '../ports/broker-channel.js';
import type { BrokerAccess, BrokerIdentity } from './broker-access.js';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  logger: Logger;
  access: BrokerAccess;
  /** Counts refused connections, publishes and subscriptions (by kind). */
  onRefused?: (what: 'connect' | 'publish' | 'subscribe') => void;
  /** Called before the broker acknowledges a telemetry PUBLISH; the PUBACK waits for it to resolve. */
  onTelemetry: (topic: string, payload: Buffer) => Promise<unknown>;
}

export interface EmbeddedBroker {
  broker: Aedes;
  channel: BrokerChannel;
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
  const identities = new WeakMap<Client, BrokerIdentity>();
  const broker = await Aedes.createBroker({
    maxClientsIdLength: 128,
    authenticate: (client, username, password, done) => {
      options.access.identify(username ?? undefined, password ?? undefined).then(
        (who) => {
          if (who) {
            identities.set(client, who);
            return done(null, true);
          }
          options.onRefused?.('connect');
          options.logger.warn({ client: client.id, username }, 'MQTT connection refused: bad credentials');
          const err = Object.assign(new Error('bad user name or password'), { returnCode: 4 as const });
          done(err, false);
        },
        (err: Error) => done(Object.assign(err, { returnCode: 3 as const }), false),
      );
    },
    authorizeSubscribe: (client, sub, callback) => {
      const who = identities.get(client);
      if (who && options.access.maySubscribe(who, sub.topic)) return callback(null, sub);
      options.onRefused?.('subscribe');
      options.logger.warn({ client: client.id, topic: sub.topic }, 'MQTT subscription refused by ACL');
      callback(null, null); // a negative SUBACK, not a disconnect
    },
    authorizePublish: (client, packet, callback) => {
      // Broker-internal publishes (wills of clients already checked, retained config from the cloud).
      if (client === null) return callback(null);
      const who = identities.get(client);
      if (!who || !options.access.mayPublish(who, packet.topic)) {
        options.onRefused?.('publish');
        options.logger.warn({ client: client.id, topic: packet.topic }, 'MQTT publish refused by ACL');
        return callback(new Error(`not authorized to publish to ${packet.topic}`));
      }
      const parsed = parseTopic(packet.topic);
      if (parsed?.kind !== 'telemetry') return callback(null);
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
  const channel: BrokerChannel = {
    publish: (topic, payload, { retain }) =>
      new Promise<void>((resolve, reject) =>
        broker.publish(
          { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain, dup: false },
          (err) => (err ? reject(err) : resolve()),
        ),
      ),
    listen: (filter, handler) =>
      new Promise<void>((resolve) =>
        broker.subscribe(
          filter,
          (packet, done) => {
            handler(
              packet.topic,
              Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
            );
            done();
          },
          () => resolve(),
        ),
      ),
  };
  return {
    broker,
    channel,
    port,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
