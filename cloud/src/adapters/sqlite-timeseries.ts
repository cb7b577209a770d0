import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ReadingQuery, StoredReading, TimeseriesStore } from '../ports/timeseries-store.js';

interface Row {
  gateway: string;
  device: string;
  ts: number;
  seq: number;
  quality: StoredReading['quality'];
  vals: string;
}

/**
 * Embedded default timeseries store: one row per reading, keyed (device, ts) so a redelivered
 * reading replaces itself. WAL + synchronous NORMAL: durable across process crashes.
 */
export class SqliteTimeseriesStore implements TimeseriesStore {
  readonly name = 'sqlite';
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly query: Database.Statement;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS readings (
      device TEXT NOT NULL,
      ts INTEGER NOT NULL,
      gateway TEXT NOT NULL,
      seq INTEGER NOT NULL,
      quality TEXT NOT NULL,
      vals TEXT NOT NULL,
      PRIMARY KEY (device, ts)
    ) WITHOUT ROWID`);
    this.upsert = this.db.prepare(
      'INSERT OR REPLACE INTO readings (device, ts, gateway, seq, quality, vals) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.query = this.db.prepare(
      'SELECT gateway, device, ts, seq, quality, vals FROM readings WHERE device = ? AND ts >= ? AND ts <= ? ORDER BY ts DESC LIMIT ?',
    );
  }

  async write(readings: readonly StoredReading[]): Promise<void> {
    this.db.transaction(() => {
      for (const r of readings)
        this.upsert.run(r.device, r.ts, r.gatewayId, r.seq, r.quality, JSON.stringify(r.values));
    })();
  }

  async readings(q: ReadingQuery): Promise<StoredReading[]> {
    const rows = this.query.all(q.device, q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER, q.limit) as Row[];
    return rows.map((r) => ({
      gatewayId: r.gateway,
      device: r.device,
      ts: r.ts,
      seq: r.seq,
      quality: r.quality,
      values: JSON.parse(r.vals),
    }));
  }

  async ping(): Promise<boolean> {
    return this.db.open;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
