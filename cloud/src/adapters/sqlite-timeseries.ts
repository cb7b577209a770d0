import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  type AggregatePoint,
  type AggregateQuery,
  type ReadingQuery,
  type StoredReading,
  type TimeseriesStore,
  WINDOW_MS,
} from '../ports/timeseries-store.js';

interface Row {
  gateway: string;
  device: string;
  ts: number;
  seq: number;
  quality: StoredReading['quality'];
  vals: string;
}

const toReading = (r: Row): StoredReading => ({
  gatewayId: r.gateway,
  device: r.device,
  ts: r.ts,
  seq: r.seq,
  quality: r.quality,
  values: JSON.parse(r.vals),
});

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
    return rows.map(toReading);
  }

  async aggregate(q: AggregateQuery): Promise<AggregatePoint[]> {
    const size = WINDOW_MS[q.window];
    // Day windows start at local midnight: shift by the offset before flooring, back after.
    const shift = q.window === '1d' ? (q.utcOffsetHours ?? 0) * 3_600_000 : 0;
    const value = "json_extract(vals, '$.' || @field)";
    // CAST: better-sqlite3 binds JS numbers as REAL, so the division would not truncate by itself.
    const bucket = 'CAST((ts + @shift) / @size AS INTEGER) * @size - @shift';
    const fn = { mean: 'avg', min: 'min', max: 'max', sum: 'sum', count: 'count' } as const;
    const sql =
      q.fn === 'last'
        ? `SELECT start, v AS value FROM (
             SELECT ${bucket} AS start, ${value} AS v, row_number() OVER (PARTITION BY ${bucket} ORDER BY ts DESC) AS rn
             FROM readings WHERE device = @device AND ts >= @from AND ts < @to AND ${value} IS NOT NULL)
           WHERE rn = 1 ORDER BY start`
        : `SELECT ${bucket} AS start, ${fn[q.fn]}(${value}) AS value FROM readings
           WHERE device = @device AND ts >= @from AND ts < @to AND ${value} IS NOT NULL
           GROUP BY start ORDER BY start`;
    const rows = this.db
      .prepare(sql)
      .all({ field: q.field, shift, size, device: q.device, from: q.from, to: q.to }) as AggregatePoint[];
    return rows.map((r) => ({ start: r.start, value: Number(r.value) }));
  }

  async latest(devices?: readonly string[]): Promise<StoredReading[]> {
    const rows = this.db
      .prepare(
        `SELECT r.gateway, r.device, r.ts, r.seq, r.quality, r.vals FROM readings r
         JOIN (SELECT device, max(ts) AS ts FROM readings GROUP BY device) m ON m.device = r.device AND m.ts = r.ts
         ORDER BY r.device`,
      )
      .all() as Row[];
    const wanted = devices ? new Set(devices) : undefined;
    return rows.filter((r) => !wanted || wanted.has(r.device)).map(toReading);
  }

  async ping(): Promise<boolean> {
    return this.db.open;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
