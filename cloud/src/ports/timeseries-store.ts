import type { FieldValue, Quality } from '../../../protocols/src/index.js';

/** One reading as stored: its identity is (device, ts); storing it again overwrites, never duplicates. */
export interface StoredReading {
  gatewayId: string;
  device: string;
  ts: number;
  seq: number;
  quality: Quality;
  values: Record<string, FieldValue>;
}

export interface ReadingQuery {
  device: string;
  from?: number;
  to?: number;
  /** Newest first, at most this many. */
  limit: number;
}

export type AggregateFn = 'mean' | 'min' | 'max' | 'sum' | 'last' | 'count';
export type AggregateWindow = '1m' | '1h' | '1d';
export const WINDOW_MS: Record<AggregateWindow, number> = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 };

export interface AggregateQuery {
  device: string;
  /** A numeric field of the device's profile. */
  field: string;
  fn: AggregateFn;
  window: AggregateWindow;
  from: number;
  /** Exclusive. */
  to: number;
  /**
   * Whole hours east of UTC that day windows start at (8 for China Standard Time, which has no
   * daylight saving): a "1d" window is a local calendar day.
   */
  utcOffsetHours?: number;
}

/** One non-empty window: its start (ms) and the aggregate. */
export interface AggregatePoint {
  start: number;
  value: number;
}

/** A telemetry payload already encoded for a store (its fast path): see TimeseriesStore.encodeTelemetry. */
export interface EncodedTelemetry {
  /** The store's own encoding of the readings (line protocol for InfluxDB). */
  lines: Buffer;
  /** Readings in it. */
  count: number;
  /** Its distinct devices, for the device guard. */
  devices: string[];
}

/** Port for timeseries storage; adapters: embedded SQLite (default) and InfluxDB (v1 HTTP API). */
export interface TimeseriesStore {
  readonly name: string;
  /** Resolves only when the readings are durable. Idempotent per (device, ts). */
  write(readings: readonly StoredReading[]): Promise<void>;
  /**
   * Optional fast path: a telemetry payload from the topic of `gatewayId` straight to the store's
   * encoding, for a common well-formed batch that the schema accepts; undefined for anything else
   * (which then goes through decoding and validation). The result is what write() would store for
   * the decoded batch.
   */
  encodeTelemetry?(payload: Buffer, gatewayId: string): EncodedTelemetry | undefined;
  /** Writes what encodeTelemetry gave, like write(); both or neither are present. */
  writeEncoded?(batch: EncodedTelemetry): Promise<void>;
  readings(query: ReadingQuery): Promise<StoredReading[]>;
  /** Aggregates one field per time window; windows without data are left out. */
  aggregate(query: AggregateQuery): Promise<AggregatePoint[]>;
  /** The newest reading of each device given (of every device when omitted). */
  latest(devices?: readonly string[]): Promise<StoredReading[]>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
