import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { type GatewayStatus, TELEMETRY_VERSION, topics } from '../../protocols/src/index.js';
import type { EdgeConfig } from './config.js';
import type { Outbox } from './outbox.js';
import type { JsonRows } from './recent-readings.js';

/** The end of a telemetry batch after its readings. */
const BATCH_END = Buffer.from(']}');

export interface PublisherStats {
  batchesPublished: number;
  readingsPublished: number;
  publishErrors: number;
  reconnects: number;
  lastPublishLatencyMs: number;
}

/** A cursor over part of the outbox: the backlog (what was there at connect) or live data. */
interface Lane {
  afterSeq: number;
  upToSeq: number;
}

export type MessageHandler = (topic: string, payload: Buffer) => void;

/**
 * Drains the outbox to the broker in batches, with a bounded window of batches awaiting PUBACK;
 * a batch is deleted from the outbox only when its PUBACK arrives. After a reconnect the backlog
 * is replayed in order, alternating with batches of live readings so fresh data is not starved
 * behind hours of backlog.
 *
 * Linger (mqtt.lingerMs, default 1000 ms): routine live readings wait up to lingerMs for more, so
 * they go out in fewer, larger messages (each message costs a PUBLISH, a PUBACK and an outbox
 * delete). A full message (batchSize) or any event (door, leak, comm failure) in the waiting
 * readings sends at once; the backlog replay never waits. lingerMs 0: send on every append.
 * Waiting readings are already in the outbox, so lingering changes latency, never durability.
 */
export class Publisher {
  readonly stats: PublisherStats = {
    batchesPublished: 0,
    readingsPublished: 0,
    publishErrors: 0,
    reconnects: 0,
    lastPublishLatencyMs: 0,
  };
  private client?: MqttClient;
  private backlog: Lane = { afterSeq: 0, upToSeq: 0 };
  private live: Lane = { afterSeq: 0, upToSeq: Number.MAX_SAFE_INTEGER };
  private preferBacklog = true;
  private inflight = 0;
  private draining = false;
  private connectedOnce = false;
  private readonly batchSize: number;
  private readonly maxInflight: number;
  private readonly lingerMs: number;
  /** When the live lane last went from empty to holding unsent readings (linger start). */
  private liveSince?: number;
  private lingerTimer?: NodeJS.Timeout;
  /** Stopping: what lingers goes now. */
  private stopping = false;
  private readonly handlers = new Map<string, MessageHandler>();
  private configVersion?: string;

  constructor(
    private readonly config: EdgeConfig,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
    private readonly agentVersion = '0.1.0',
  ) {
    this.batchSize = config.mqtt.batchSize ?? 500;
    this.maxInflight = config.mqtt.inflight ?? 4;
    this.lingerMs = config.mqtt.lingerMs ?? 1000;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  private status(state: GatewayStatus['state']): GatewayStatus {
    const s: GatewayStatus = {
      v: 1,
      gatewayId: this.config.gateway.id,
      state,
      ts: Date.now(),
      agentVersion: this.agentVersion,
    };
    if (this.configVersion) s.configVersion = this.configVersion;
    return s;
  }

  /** Subscribes (on every connect) and routes messages of that topic to the handler. */
  onMessage(topic: string, handler: MessageHandler): void {
    this.handlers.set(topic, handler);
    if (this.client?.connected) void this.client.subscribeAsync(topic, { qos: 1 }).catch(() => undefined);
  }

  setConfigVersion(version: string | undefined): void {
    this.configVersion = version;
  }

  start(): void {
    const gatewayId = this.config.gateway.id;
    this.client = mqtt.connect(this.config.mqtt.url, {
      clientId: `linli-edge-${gatewayId}`,
      username: this.config.mqtt.username,
      password: this.config.mqtt.password,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      // mqtt-packet's number cache is 65,536 two-byte Buffers kept alive for good: 10 MB of the
      // agent's 35 MB live heap, marked again by every full GC. An agent publishes a few packets a second.
      writeCache: false,
      will: {
        topic: topics.status(gatewayId),
        payload: Buffer.from(JSON.stringify(this.status('offline'))),
        qos: 1,
        retain: true,
      },
    });
    this.client.on('connect', () => this.onConnect());
    this.client.on('message', (topic, payload) => this.handlers.get(topic)?.(topic, payload));
    this.client.on('error', (err) => this.logger.warn({ err: err.message }, 'mqtt error'));
    this.client.on('offline', () => this.logger.warn('broker unreachable; readings stay in the outbox'));
  }

  private onConnect(): void {
    if (this.connectedOnce) this.stats.reconnects++;
    this.connectedOnce = true;
    this.logger.info({ url: this.config.mqtt.url, pending: this.outbox.depth() }, 'connected to broker');
    // Retained birth message, re-published on every reconnect.
    this.publishJson(topics.status(this.config.gateway.id), this.status('online'), true);
    for (const topic of this.handlers.keys())
      void this.client?.subscribeAsync(topic, { qos: 1 }).catch(() => undefined);
    // Everything stored until now is backlog; it is replayed in order from the start, since
    // batches in flight when the connection dropped may not have reached the broker.
    const last = this.outbox.lastSeq();
    this.backlog = { afterSeq: 0, upToSeq: last };
    this.live = { afterSeq: last, upToSeq: Number.MAX_SAFE_INTEGER };
    this.kick();
  }

  publishJson(topic: string, body: unknown, retain = false): void {
    this.client?.publish(topic, JSON.stringify(body), { qos: 1, retain });
  }

  /** Called when new readings were appended, and on (re)connect. */
  kick(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.client?.connected && this.inflight < this.maxInflight) {
        const lane = this.nextLane();
        if (!lane) break;
        this.sendFrom(lane);
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Whether the live lane should wait (linger) for more readings: only routine readings are
   * waiting, fewer than a full message, for less than lingerMs. Arms a timer for the rest.
   */
  private lingering(): boolean {
    if (this.lingerMs <= 0 || this.stopping) return false;
    const unsent = this.outbox.lastSeq() - this.live.afterSeq;
    if (unsent <= 0) {
      this.liveSince = undefined;
      return false;
    }
    if (unsent >= this.batchSize || this.outbox.lastEventSeq > this.live.afterSeq) return false;
    const now = Date.now();
    this.liveSince ??= now;
    const wait = this.liveSince + this.lingerMs - now;
    if (wait <= 0) return false;
    this.lingerTimer ??= setTimeout(() => {
      this.lingerTimer = undefined;
      this.kick();
    }, wait).unref();
    return true;
  }

  /** Alternates between backlog and live batches while both have data. */
  private nextLane(): { lane: Lane; rows: JsonRows } | undefined {
    const order = this.preferBacklog ? [this.backlog, this.live] : [this.live, this.backlog];
    for (const lane of order) {
      if (lane === this.live && this.lingering()) continue;
      const rows = this.outbox.peekJson(lane.afterSeq, this.batchSize, lane.upToSeq);
      if (rows) {
        this.preferBacklog = lane !== this.backlog;
        if (lane === this.live) this.liveSince = undefined;
        return { lane, rows };
      }
    }
    return undefined;
  }

  private sendFrom({ lane, rows }: { lane: Lane; rows: JsonRows }): void {
    const { first, last, count } = rows;
    lane.afterSeq = last;
    const started = Date.now();
    // JSON.stringify of a TelemetryBatch {v, gatewayId, seq, sentAt, readings}, with the readings
    // already serialised by the outbox: bytes, so the payload never becomes a string on the heap.
    const batch = Buffer.concat([
      Buffer.from(
        `{"v":${TELEMETRY_VERSION},"gatewayId":${JSON.stringify(this.config.gateway.id)},"seq":${first},"sentAt":${started},"readings":[`,
      ),
      rows.json,
      BATCH_END,
    ]);
    this.inflight++;
    // mqtt.js keeps an unacknowledged QoS 1 packet and resends it after a reconnect, so the
    // callback fires once the broker really has it; if this process dies first, the outbox still does.
    this.client?.publish(topics.telemetry(this.config.gateway.id), batch, { qos: 1 }, (err) => {
      this.inflight--;
      if (err) {
        this.stats.publishErrors++;
        this.logger.warn({ err: err.message, first, last }, 'publish failed; will resend after reconnect');
      } else {
        this.outbox.ack(first, last);
        this.stats.batchesPublished++;
        this.stats.readingsPublished += count;
        this.stats.lastPublishLatencyMs = Date.now() - started;
      }
      this.kick();
    });
  }

  async stop(): Promise<void> {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    // Readings waiting for a fuller message go now (end() below waits for their PUBACKs).
    this.stopping = true;
    this.kick();
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
