import type { Logger } from 'pino';
import { parseTopic, SchemaError, telemetryParser } from '../../../../protocols/src/index.js';
import type { Metrics } from '../../metrics.js';
import type { StoredReading, TimeseriesStore } from '../../ports/timeseries-store.js';
import type { DeadLetterStore } from './dead-letters.js';

export type IngestOutcome = 'stored' | 'dead-lettered' | 'ignored';

/**
 * Validates telemetry and makes it durable. A message is acknowledged to its sender only after
 * handle() resolves: bad input is moved to the dead-letter store (durable too, so it may be
 * acknowledged). While the store is down, writes are retried with backoff and the message stays
 * unacknowledged, so the broker's in-flight window fills and senders hold their data (backpressure)
 * instead of it being dropped.
 */
export class IngestService {
  private stopped = false;

  constructor(
    private readonly store: TimeseriesStore,
    private readonly deadLetters: DeadLetterStore,
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
    let readings: StoredReading[];
    try {
      const batch = telemetryParser.parse(JSON.parse(payload.toString('utf8')));
      if (batch.gatewayId !== parsed.gatewayId) {
        throw new SchemaError('telemetry batch', [
          {
            path: '/gatewayId',
            message: `"${batch.gatewayId}" does not match the topic's gateway "${parsed.gatewayId}"`,
          },
        ]);
      }
      readings = batch.readings.map((r) => ({ ...r, gatewayId: parsed.gatewayId }));
    } catch (err) {
      const reason = err instanceof SyntaxError ? `malformed JSON: ${err.message}` : (err as Error).message;
      this.deadLetters.add(topic, payload, reason);
      this.metrics.messagesReceived.inc({ outcome: 'rejected' });
      this.metrics.deadLetters.set(this.deadLetters.count());
      this.logger.warn({ topic, reason }, 'telemetry rejected to dead letters');
      return 'dead-lettered';
    }
    await this.writeWithRetry(readings);
    this.metrics.readingsStored.inc(readings.length);
    this.metrics.messagesReceived.inc({ outcome: 'stored' });
    this.metrics.ingestLatency.observe((performance.now() - started) / 1000);
    return 'stored';
  }

  private async writeWithRetry(readings: StoredReading[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.write(readings);
        return;
      } catch (err) {
        this.metrics.storeErrors.inc();
        if (this.stopped) throw err;
        if (attempt === 0 || attempt % 20 === 0)
          this.logger.warn({ err: (err as Error).message, attempt }, 'store write failed; retrying');
        await sleep(Math.min(10_000, 200 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  /** Pending retries give up, so shutdown does not wait for a store that is down. */
  stop(): void {
    this.stopped = true;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
