import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one cloud instance (a registry per instance keeps tests independent). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    messagesReceived: new Counter({
      name: 'linli_ingest_messages_total',
      help: 'MQTT messages received by ingest, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    readingsStored: new Counter({
      name: 'linli_ingest_readings_stored_total',
      help: 'Readings written to the timeseries store',
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: 'linli_ingest_store_errors_total',
      help: 'Failed timeseries store writes',
      registers: [registry],
    }),
    ingestLatency: new Histogram({
      name: 'linli_ingest_latency_seconds',
      help: 'From message arrival to durable store',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
    spooled: new Gauge({
      name: 'linli_ingest_spooled_readings',
      help: 'Readings held in the local spool while the timeseries store is unavailable',
      registers: [registry],
    }),
    brokerRefusals: new Counter({
      name: 'linli_broker_refusals_total',
      help: 'Connections, publishes and subscriptions the embedded broker refused',
      labelNames: ['what'] as const,
      registers: [registry],
    }),
    deadLetters: new Gauge({
      name: 'linli_dead_letters',
      help: 'Messages held in the dead-letter store',
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
