import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Reading } from '../../protocols/src/index.js';
import type { PolledReading } from './poller.js';

/**
 * Durable outbox: every reading is appended here before any publish attempt and deleted only
 * after the broker's PUBACK. SQLite in WAL mode:
 * - sync "normal" (default): a commit survives the process being killed (kill -9, crash); after a
 *   power loss the newest commits since the last WAL sync may be lost, but the file is never corrupt.
 * - sync "full": every append is fsynced, so it survives power loss too, at one fsync per append.
 * The sequence number is SQLite's AUTOINCREMENT rowid: per gateway, strictly increasing, never reused.
 */
export class Outbox {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly selectAfter: Database.Statement;
  private readonly deleteRange: Database.Statement;
  private readonly countAll: Database.Statement;

  constructor(path: string, sync: 'normal' | 'full' = 'normal') {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      device TEXT NOT NULL,
      ts INTEGER NOT NULL,
      quality TEXT NOT NULL,
      "values" TEXT NOT NULL
    )`);
    this.insert = this.db.prepare('INSERT INTO outbox (device, ts, quality, "values") VALUES (?, ?, ?, ?)');
    this.selectAfter = this.db.prepare(
      'SELECT seq, device, ts, quality, "values" FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    this.deleteRange = this.db.prepare('DELETE FROM outbox WHERE seq >= ? AND seq <= ?');
    this.countAll = this.db.prepare('SELECT count(*) AS n FROM outbox');
  }

  /** Appends readings in one transaction; returns their sequence numbers. */
  append(readings: readonly PolledReading[]): number[] {
    const seqs: number[] = [];
    this.db.transaction(() => {
      for (const r of readings) {
        seqs.push(
          Number(this.insert.run(r.device, r.ts, r.quality, JSON.stringify(r.values)).lastInsertRowid),
        );
      }
    })();
    return seqs;
  }

  /** The oldest readings with a sequence number above `afterSeq`, in order. */
  peek(afterSeq: number, limit: number): Reading[] {
    const rows = this.selectAfter.all(afterSeq, limit) as Array<{
      seq: number;
      device: string;
      ts: number;
      quality: Reading['quality'];
      values: string;
    }>;
    return rows.map((r) => ({
      seq: r.seq,
      device: r.device,
      ts: r.ts,
      quality: r.quality,
      values: JSON.parse(r.values),
    }));
  }

  /** Removes an acknowledged, contiguous run of sequence numbers. */
  ack(fromSeq: number, toSeq: number): void {
    this.deleteRange.run(fromSeq, toSeq);
  }

  depth(): number {
    return (this.countAll.get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
