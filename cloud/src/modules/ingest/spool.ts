import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { StoredReading } from '../../ports/timeseries-store.js';

/**
 * Local write-ahead log for readings the timeseries store could not take (InfluxDB down or slow).
 * A batch written here is durable, so its MQTT message can be acknowledged; a drainer replays the
 * spool into the store in order once it answers. Store writes are idempotent per (device, ts), so a
 * batch replayed twice after a crash changes nothing.
 */
export class Spool {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly oldest: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly countRows: Database.Statement;
  private cachedDepth: number;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS spool (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      spooled_at INTEGER NOT NULL,
      readings INTEGER NOT NULL,
      batch TEXT NOT NULL
    )`);
    this.insert = this.db.prepare('INSERT INTO spool (spooled_at, readings, batch) VALUES (?, ?, ?)');
    this.oldest = this.db.prepare('SELECT id, batch FROM spool WHERE id > ? ORDER BY id LIMIT ?');
    this.remove = this.db.prepare('DELETE FROM spool WHERE id >= ? AND id <= ?');
    this.countRows = this.db.prepare('SELECT coalesce(sum(readings), 0) AS n FROM spool');
    this.cachedDepth = (this.countRows.get() as { n: number }).n;
  }

  append(readings: readonly StoredReading[], now = Date.now()): void {
    this.insert.run(now, readings.length, JSON.stringify(readings));
    this.cachedDepth += readings.length;
  }

  /** The oldest spooled batches after `afterId`, up to `maxBatches`, with the id range to pass to `release`. */
  take(
    maxBatches: number,
    afterId = 0,
  ): { fromId: number; upToId: number; readings: StoredReading[] } | undefined {
    const rows = this.oldest.all(afterId, maxBatches) as Array<{ id: number; batch: string }>;
    if (rows.length === 0) return undefined;
    const readings = rows.flatMap((r) => JSON.parse(r.batch) as StoredReading[]);
    return { fromId: rows[0]!.id, upToId: rows[rows.length - 1]!.id, readings };
  }

  release(fromId: number, upToId: number, readingCount: number): void {
    this.remove.run(fromId, upToId);
    this.cachedDepth = Math.max(0, this.cachedDepth - readingCount);
  }

  /** Readings waiting for the store. */
  depth(): number {
    return this.cachedDepth;
  }

  close(): void {
    this.db.close();
  }
}
