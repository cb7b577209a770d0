import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface DeadLetter {
  id: number;
  receivedAt: number;
  topic: string;
  reason: string;
  /** The payload as received, base64 (it may not be text). */
  payload: string;
}

/** Messages ingest could not accept, kept with the reason so they can be listed and replayed. */
export class DeadLetterStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS dead_letters (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      received_at INTEGER NOT NULL,
      topic TEXT NOT NULL,
      reason TEXT NOT NULL,
      payload BLOB NOT NULL
    )`);
  }

  add(topic: string, payload: Buffer, reason: string, now = Date.now()): number {
    const info = this.db
      .prepare('INSERT INTO dead_letters (received_at, topic, reason, payload) VALUES (?, ?, ?, ?)')
      .run(now, topic, reason.slice(0, 2000), payload);
    return Number(info.lastInsertRowid);
  }

  list(limit = 100, afterId = 0): DeadLetter[] {
    const rows = this.db
      .prepare(
        'SELECT id, received_at, topic, reason, payload FROM dead_letters WHERE id > ? ORDER BY id LIMIT ?',
      )
      .all(afterId, limit) as Array<{
      id: number;
      received_at: number;
      topic: string;
      reason: string;
      payload: Buffer;
    }>;
    return rows.map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      topic: r.topic,
      reason: r.reason,
      payload: r.payload.toString('base64'),
    }));
  }

  get(id: number): { topic: string; payload: Buffer } | undefined {
    return this.db.prepare('SELECT topic, payload FROM dead_letters WHERE id = ?').get(id) as
      | { topic: string; payload: Buffer }
      | undefined;
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM dead_letters WHERE id = ?').run(id);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM dead_letters').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
