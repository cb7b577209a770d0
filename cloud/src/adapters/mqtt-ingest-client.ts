import mqtt, { type ISubscriptionMap, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { topics } from '../../../protocols/src/index.js';
import type { BrokerChannel } from '../ports/broker-channel.js';
import { topicMatches } from './topic-filter.js';

export interface MqttIngestOptions {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  /** Shared-subscription group: N cloud instances split the gateways' telemetry. */
  shareGroup?: string;
  logger: Logger;
  onTelemetry: (topic: string, payload: Buffer) => Promise<unknown>;
}

/**
 * Ingest from an external broker (Mosquitto, EMQX). mqtt.js sends a PUBACK only after
 * handleMessage calls back, so a message is acknowledged only once it is durable. The session is
 * persistent (clean: false), so what arrives while this instance is away is queued by the broker.
 */
export async function startMqttIngest(
  options: MqttIngestOptions,
): Promise<{ client: MqttClient; channel: BrokerChannel; close(): Promise<void> }> {
  const listeners: Array<{ filter: string; handler: (topic: string, payload: Buffer) => void }> = [];
  const client = mqtt.connect(options.url, {
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    clean: false,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 7 * 24 * 3600 },
    reconnectPeriod: 1000,
    // Subscribe again after a connect without session (the default, relied on: see below).
    resubscribe: true,
  });
  client.handleMessage = (packet, done) => {
    if (packet.cmd !== 'publish') return done();
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const listening = listeners.filter((l) => topicMatches(l.filter, packet.topic));
    if (listening.length > 0) {
      for (const l of listening) l.handler(packet.topic, payload);
      return done();
    }
    options.onTelemetry(packet.topic, payload).then(
      () => done(),
      (err: Error) => {
        options.logger.error({ err: err.message }, 'ingest failed; message left unacknowledged');
      },
    );
  };
  client.on('error', (err) => options.logger.warn({ err: err.message }, 'mqtt ingest client error'));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  const telemetryFilter = topics.allTelemetry(options.shareGroup);
  await client.subscribeAsync(telemetryFilter, { qos: 1 });
  // A broker that comes back without our session (it lost or expired it) has no subscriptions for
  // us: mqtt.js subscribes again by itself (it keeps our filters because reconnectPeriod > 0), but
  // what gateways published between the broker's restart and that subscription went nowhere.
  // Mosquitto restores a session only from its last save (autosave_interval): say so loudly.
  // Mosquitto 2.0 saves no shared subscription at all: after any restart the session is back
  // (sessionPresent) without it, and mqtt.js, trusting the session, would not subscribe again.
  client.on('connect', (connack) => {
    if (!connack.sessionPresent) {
      options.logger.warn(
        { clientId: options.clientId },
        'broker had no session for ingest (lost in a crash before its autosave, or expired); subscribed again, messages published meanwhile may be lost',
      );
      return;
    }
    if (!options.shareGroup) return;
    // resubscribe: true makes mqtt.js send it although it already counts the filter as subscribed.
    const renewal: ISubscriptionMap = Object.assign(
      { [telemetryFilter]: { qos: 1 as const } },
      { resubscribe: true },
    );
    client.subscribe(renewal, (err) => {
      if (err) options.logger.error({ err: err.message }, 'shared subscription renewal failed');
    });
  });
  options.logger.info({ url: options.url, share: options.shareGroup }, 'ingesting from external MQTT broker');
  const channel: BrokerChannel = {
    publish: async (topic, payload, { retain }) => {
      await client.publishAsync(topic, payload, { qos: 1, retain });
    },
    listen: async (filter, handler) => {
      listeners.push({ filter, handler });
      await client.subscribeAsync(filter, { qos: 1 });
    },
  };
  return { client, channel, close: () => client.endAsync() };
}
