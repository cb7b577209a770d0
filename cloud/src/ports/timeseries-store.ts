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

/** Port for timeseries storage; adapters: embedded SQLite (default) and InfluxDB (v1 HTTP API). */
export interface TimeseriesStore {
  readonly name: string;
  /** Resolves only when the readings are durable. Idempotent per (device, ts). */
  write(readings: readonly StoredReading[]): Promise<void>;
  readings(query: ReadingQuery): Promise<StoredReading[]>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
