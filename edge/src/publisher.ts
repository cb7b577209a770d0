import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  type GatewayStatus,
  TELEMETRY_VERSION,
  type TelemetryBatch,
  topics,
} from '../../protocols/src/index.js';
import type { EdgeConfig } from './config.js';
import type { Outbox } from './outbox.js';

export interface PublisherStats {
  batchesPublished: number;
  readingsPublished: number;
  publishErrors: number;
  lastPublishLatencyMs: number;
}

/**
 * Drains the outbox to the broker: oldest first, in batches, with a bounded window of batches
 * awaiting PUBACK. A batch is deleted from the outbox only when its PUBACK arrives.
 */
export class Publisher {
  readonly stats: PublisherStats = {
    batchesPublished: 0,
    readingsPublished: 0,
    publishErrors: 0,
    lastPublishLatencyMs: 0,
  };
  private client?: MqttClient;
  private lastSentSeq = 0;
  private inflight = 0;
  private draining = false;
  private readonly batchSize: number;
  private readonly maxInflight: number;

  constructor(
    private readonly config: EdgeConfig,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
    private readonly agentVersion = '0.1.0',
  ) {
    this.batchSize = config.mqtt.batchSize ?? 500;
    this.maxInflight = config.mqtt.inflight ?? 4;
  }

  private status(state: GatewayStatus['state']): GatewayStatus {
    return {
      v: 1,
      gatewayId: this.config.gateway.id,
      state,
      ts: Date.now(),
      agentVersion: this.agentVersion,
    };
  }

  start(): void {
    const gatewayId = this.config.gateway.id;
    this.client = mqtt.connect(this.config.mqtt.url, {
      clientId: `linli-edge-${gatewayId}`,
      username: this.config.mqtt.username,
      password: this.config.mqtt.password,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      will: {
        topic: topics.status(gatewayId),
        payload: Buffer.from(JSON.stringify(this.status('offline'))),
        qos: 1,
        retain: true,
      },
    });
    this.client.on('connect', () => {
      this.logger.info({ url: this.config.mqtt.url }, 'connected to broker');
      // Retained birth message, re-published on every reconnect.
      this.client?.publish(topics.status(gatewayId), JSON.stringify(this.status('online')), {
        qos: 1,
        retain: true,
      });
      this.kick();
    });
    this.client.on('error', (err) => this.logger.warn({ err: err.message }, 'mqtt error'));
    this.client.on('offline', () => this.logger.warn('broker unreachable; readings stay in the outbox'));
  }

  /** Called when new readings were appended, and on (re)connect. */
  kick(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.client?.connected && this.inflight < this.maxInflight) {
        const readings = this.outbox.peek(this.lastSentSeq, this.batchSize);
        if (readings.length === 0) break;
        const first = readings[0]!.seq;
        const last = readings[readings.length - 1]!.seq;
        this.lastSentSeq = last;
        this.send(
          {
            v: TELEMETRY_VERSION,
            gatewayId: this.config.gateway.id,
            seq: first,
            sentAt: Date.now(),
            readings,
          },
          first,
          last,
        );
      }
    } finally {
      this.draining = false;
    }
  }

  private send(batch: TelemetryBatch, first: number, last: number): void {
    const started = Date.now();
    this.inflight++;
    // mqtt.js keeps an unacknowledged QoS 1 packet and resends it after a reconnect, so the
    // callback fires once the broker really has it; if this process dies first, the outbox still does.
    this.client?.publish(
      topics.telemetry(this.config.gateway.id),
      JSON.stringify(batch),
      { qos: 1 },
      (err) => {
        this.inflight--;
        if (err) {
          this.stats.publishErrors++;
          this.logger.warn({ err: err.message, first, last }, 'publish failed; will resend');
          this.lastSentSeq = Math.min(this.lastSentSeq, first - 1);
        } else {
          this.outbox.ack(first, last);
          this.stats.batchesPublished++;
          this.stats.readingsPublished += batch.readings.length;
          this.stats.lastPublishLatencyMs = Date.now() - started;
        }
        this.kick();
      },
    );
  }

  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      await client
        .publishAsync(topics.status(this.config.gateway.id), JSON.stringify(this.status('offline')), {
          qos: 1,
          retain: true,
        })
        .catch(() => undefined);
    }
    await client.endAsync();
  }
}
