import type { Logger } from 'pino';
import { parseTopic, SchemaError, telemetryParser } from '../../../../protocols/src/index.js';
import type { Metrics } from '../../metrics.js';
import type { StoredReading, TimeseriesStore } from '../../ports/timeseries-store.js';
import type { DeadLetterStore } from './dead-letters.js';
import type { Spool } from './spool.js';

/** Answers whether a gateway may report a device; 'foreign' = it belongs to another gateway. */
export type DeviceGuard = (gatewayId: string, deviceId: string) => Promise<'known' | 'new' | 'foreign'>;

export type IngestOutcome = 'stored' | 'dead-lettered' | 'ignored';

/**
 * Validates telemetry and makes it durable. A message is acknowledged to its sender only after
 * handle() resolves: bad input is moved to the dead-letter store (durable too, so it may be
 * acknowledged). While the store is down, readings go to a local spool (a write-ahead log on disk)
 * and are replayed into the store when it answers again, so senders never wait on the store.
 */
export class IngestService {
  private stopped = false;
  private deviceGuard?: DeviceGuard;
  private draining?: Promise<void>;

  constructor(
    private readonly store: TimeseriesStore,
    private readonly deadLetters: DeadLetterStore,
    private readonly spool: Spool,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  async handle(topic: string, payload: Buffer): Promise<IngestOutcome> {
    const started = performance.now();
    const parsed = parseTopic(topic);
    if (parsed?.kind !== 'telemetry') {
      this.metrics.messagesReceived.inc({ outcome: 'ignored' });
      return 'ignored';
    }
    const { gatewayId } = parsed;
    if (await this.handleEncoded(payload, gatewayId, started)) return 'stored';
    let readings: StoredReading[];
    try {
      readings = decodeTelemetry(payload, gatewayId);
    } catch (err) {
      const reason = err instanceof SyntaxError ? `malformed JSON: ${err.message}` : (err as Error).message;
      this.deadLetters.add(topic, payload, reason);
      this.metrics.messagesReceived.inc({ outcome: 'rejected' });
      this.metrics.deadLetters.set(this.deadLetters.count());
      this.logger.warn({ topic, reason }, 'telemetry rejected to dead letters');
      return 'dead-lettered';
    }
    const foreign = await this.foreignDevices(topic, payload, gatewayId, readings);
    if (foreign.size > 0) readings = readings.filter((r) => !foreign.has(r.device));
    if (readings.length === 0) return 'dead-lettered';
    const count = readings.length;
    const direct = this.spool.depth() === 0;
    // Not referenced again while the write is in flight, so the parsed readings are garbage as soon
    // as the store has encoded them; only a failed write decodes the message again, for the spool.
    await this.writeDurably(readings, () =>
      decodeTelemetry(payload, gatewayId).filter((r) => !foreign.has(r.device)),
    );
    if (direct && this.spool.depth() === 0) this.metrics.readingsStored.inc(count);
    this.metrics.messagesReceived.inc({ outcome: 'stored' });
    this.metrics.ingestLatency.observe((performance.now() - started) / 1000);
    return 'stored';
  }

  /**
   * The fast path, when the store has one: a common well-formed batch goes from its bytes to the
   * store's encoding without being decoded (see TimeseriesStore.encodeTelemetry). False, having
   * done nothing but ask the device guard, when the batch is not one of those, when a device is
   * foreign (the decoding path drops its readings and keeps the dead letter) or the spool is in use.
   */
  private async handleEncoded(payload: Buffer, gatewayId: string, started: number): Promise<boolean> {
    if (!this.store.encodeTelemetry || !this.store.writeEncoded || this.spool.depth() > 0) return false;
    const encoded = this.store.encodeTelemetry(payload, gatewayId);
    if (!encoded) return false;
    const guard = this.deviceGuard;
    if (guard) {
      for (const device of encoded.devices) if ((await guard(gatewayId, device)) === 'foreign') return false;
    }
    if (this.spool.depth() > 0) return false; // the store failed meanwhile: queue behind the spool
    try {
      await this.store.writeEncoded(encoded);
      this.metrics.readingsStored.inc(encoded.count);
    } catch (err) {
      this.metrics.storeErrors.inc();
      this.logger.warn(
        { err: (err as Error).message, store: this.store.name },
        'store write failed; spooling locally',
      );
      this.spoolLocally(decodeTelemetry(payload, gatewayId));
    }
    this.metrics.messagesReceived.inc({ outcome: 'stored' });
    this.metrics.ingestLatency.observe((performance.now() - started) / 1000);
    return true;
  }

  /**
   * Makes readings durable: in the store when it answers, else in the local spool. While the spool
   * holds anything, new readings queue behind it so the store receives them in arrival order.
   * `again` gives the same readings once more: `readings` is not kept across the store write.
   */
  private async writeDurably(readings: StoredReading[], again: () => StoredReading[]): Promise<void> {
    if (this.spool.depth() > 0) return this.spoolLocally(readings);
    try {
      await this.store.write(readings);
      return;
    } catch (err) {
      this.metrics.storeErrors.inc();
      this.logger.warn(
        { err: (err as Error).message, store: this.store.name },
        'store write failed; spooling locally',
      );
    }
    this.spoolLocally(again());
  }

  private spoolLocally(readings: StoredReading[]): void {
    this.spool.append(readings);
    this.metrics.spooled.set(this.spool.depth());
    this.drain();
  }

  /**
   * Replays the spool into the store, oldest first, with up to DRAIN_PARALLEL writes in flight,
   * backing off while the store is down. After a failure everything not yet released is taken
   * again (writes are idempotent, so a batch written twice changes nothing).
   */
  private drain(): void {
    if (this.draining || this.stopped) return;
    this.draining = (async () => {
      let cursor = 0;
      let attempt = 0;
      const inFlight = new Set<Promise<void>>();
      let failed = false;
      while (!this.stopped) {
        const next = inFlight.size < DRAIN_PARALLEL ? this.spool.take(20, cursor) : undefined;
        if (next) {
          cursor = next.upToId;
          const write: Promise<void> = this.store.write(next.readings).then(
            () => {
              this.spool.release(next.fromId, next.upToId, next.readings.length);
              this.metrics.readingsStored.inc(next.readings.length);
              this.metrics.spooled.set(this.spool.depth());
              attempt = 0;
            },
            (err: Error) => {
              failed = true;
              this.metrics.storeErrors.inc();
              if (attempt % 20 === 0)
                this.logger.warn(
                  { err: err.message, spooled: this.spool.depth() },
                  'store still unavailable',
                );
            },
          );
          inFlight.add(write);
          void write.finally(() => inFlight.delete(write));
          continue;
        }
        if (inFlight.size > 0) await Promise.race(inFlight);
        if (failed) {
          await Promise.all(inFlight);
          failed = false;
          cursor = 0;
          attempt++;
          await sleep(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
        } else if (inFlight.size === 0 && !this.spool.take(1, cursor)) {
          break; // everything taken has been written, and nothing new arrived
        }
      }
      if (this.spool.depth() === 0) this.logger.info('spool drained; writing to the store directly again');
    })().finally(() => {
      this.draining = undefined;
      // Readings spooled after the last take() would otherwise wait for the next message.
      if (!this.stopped && this.spool.depth() > 0) this.drain();
    });
  }

  setDeviceGuard(guard: DeviceGuard): void {
    this.deviceGuard = guard;
  }

  /**
   * Devices registered to another gateway, whose readings are dropped (a misconfigured or
   * compromised gateway must not write into someone else's series); the message is kept as a dead
   * letter with the reason.
   */
  private async foreignDevices(
    topic: string,
    payload: Buffer,
    gatewayId: string,
    readings: readonly StoredReading[],
  ): Promise<ReadonlySet<string>> {
    const foreign = new Set<string>();
    const guard = this.deviceGuard;
    if (!guard) return foreign;
    for (const device of new Set(readings.map((r) => r.device))) {
      if ((await guard(gatewayId, device)) === 'foreign') foreign.add(device);
    }
    if (foreign.size === 0) return foreign;
    const reason = `device(s) ${[...foreign].join(', ')} belong to another gateway than ${gatewayId}`;
    this.deadLetters.add(topic, payload, reason);
    this.metrics.messagesReceived.inc({ outcome: 'foreign_device' });
    this.metrics.deadLetters.set(this.deadLetters.count());
    this.logger.warn(
      { gatewayId, devices: [...foreign] },
      'readings for devices of another gateway rejected',
    );
    return foreign;
  }

  /** Resumes replaying a spool left by a previous run. */
  start(): void {
    this.metrics.spooled.set(this.spool.depth());
    if (this.spool.depth() > 0) this.drain();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.draining;
  }
}

/**
 * A telemetry payload's readings, tagged with the gateway of the topic it came on; throws
 * SyntaxError or SchemaError for a payload to dead-letter.
 */
function decodeTelemetry(payload: Buffer, gatewayId: string): StoredReading[] {
  const batch = telemetryParser.parse(JSON.parse(payload.toString('utf8')));
  if (batch.gatewayId !== gatewayId) {
    throw new SchemaError('telemetry batch', [
      {
        path: '/gatewayId',
        message: `"${batch.gatewayId}" does not match the topic's gateway "${gatewayId}"`,
      },
    ]);
  }
  // In place rather than a copy per reading: the parsed objects are ours and die with the message.
  for (const r of batch.readings) (r as StoredReading).gatewayId = gatewayId;
  return batch.readings as StoredReading[];
}

/** Store writes in flight while draining the spool. */
const DRAIN_PARALLEL = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
