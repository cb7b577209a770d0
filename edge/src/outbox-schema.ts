/**
 * The outbox file (outbox.ts): opening it (WAL, sync policy), its tables, the statements the
 * outbox runs, and the migration of a file of the former per-reading schema.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { readingJson } from './recent-readings.js';

/** Readings that must survive a long outage: events (door, leak), state changes, comm failures. */
export const PRIORITY_EVENT = 1;
export const PRIORITY_ROUTINE = 0;

/** Readings per chunk when an old per-reading outbox file is migrated. */
const MIGRATE_CHUNK = 1000;

export function openOutboxFile(path: string, sync: 'normal' | 'full'): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
  db.exec(`CREATE TABLE IF NOT EXISTS outbox_chunks (
    first_seq INTEGER PRIMARY KEY, -- seq of the first reading still in the chunk
    last_seq INTEGER NOT NULL,     -- seq of the last one
    n INTEGER NOT NULL,            -- readings still in the chunk
    n_events INTEGER NOT NULL,     -- of which events
    min_ts INTEGER NOT NULL,       -- oldest device timestamp in it
    routine_min_ts INTEGER,        -- oldest routine timestamp (NULL: only events), for the age bound
    event_seqs TEXT,               -- JSON array of the events' seqs (NULL: none)
    body TEXT NOT NULL             -- JSON array of the readings as published, in seq order
  );
  CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS counter_state (
    device TEXT NOT NULL,
    field TEXT NOT NULL,
    last REAL NOT NULL,
    offset REAL NOT NULL,
    PRIMARY KEY (device, field)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS counter_log (id INTEGER PRIMARY KEY, body TEXT NOT NULL);`);
  return db;
}

export type OutboxStatements = ReturnType<typeof prepareOutboxStatements>;

export function prepareOutboxStatements(db: Database.Database) {
  // The chunks overlapping [from, to]: from the one holding `from` (or the first after it) on.
  const overlapping =
    'first_seq >= coalesce((SELECT max(first_seq) FROM outbox_chunks WHERE first_seq <= @from), @from) AND first_seq <= @to ORDER BY first_seq';
  return {
    insertChunk: db.prepare(
      'INSERT INTO outbox_chunks (first_seq, last_seq, n, n_events, min_ts, routine_min_ts, event_seqs, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    heads: db.prepare(`SELECT first_seq, last_seq, n, n_events FROM outbox_chunks WHERE ${overlapping}`),
    chunksFrom: db.prepare(`SELECT first_seq, last_seq, body FROM outbox_chunks WHERE ${overlapping}`),
    chunk: db.prepare(
      'SELECT first_seq, last_seq, n, n_events, event_seqs, body FROM outbox_chunks WHERE first_seq = ?',
    ),
    deleteChunk: db.prepare('DELETE FROM outbox_chunks WHERE first_seq = ?'),
    deleteCovered: db.prepare(
      'DELETE FROM outbox_chunks WHERE first_seq >= @from AND first_seq <= @to AND last_seq <= @to',
    ),
    updateChunk: db.prepare(
      'UPDATE outbox_chunks SET first_seq = ?, last_seq = ?, n = ?, n_events = ?, min_ts = ?, routine_min_ts = ?, event_seqs = ?, body = ? WHERE first_seq = ?',
    ),
    depth: db.prepare('SELECT coalesce(sum(n), 0) AS n FROM outbox_chunks'),
    oldest: db.prepare('SELECT min_ts AS ts FROM outbox_chunks ORDER BY first_seq LIMIT 1'),
    oldestRoutine: db.prepare(
      'SELECT routine_min_ts AS ts FROM outbox_chunks WHERE routine_min_ts IS NOT NULL ORDER BY first_seq LIMIT 1',
    ),
    agedChunks: db.prepare(
      'SELECT first_seq, last_seq, n, n_events, event_seqs, body FROM outbox_chunks WHERE routine_min_ts < ? ORDER BY first_seq',
    ),
    firstRoutine: db.prepare(
      'SELECT first_seq, last_seq, n, n_events FROM outbox_chunks WHERE n > n_events ORDER BY first_seq LIMIT 1',
    ),
    firstChunk: db.prepare(
      'SELECT first_seq, last_seq, n, n_events FROM outbox_chunks ORDER BY first_seq LIMIT 1',
    ),
    getMeta: db.prepare('SELECT value FROM outbox_meta WHERE key = ?'),
    addMeta: db.prepare(
      'INSERT INTO outbox_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = value + excluded.value',
    ),
    setMeta: db.prepare(
      'INSERT INTO outbox_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    maxChunkSeq: db.prepare('SELECT max(last_seq) AS seq FROM outbox_chunks'),
    upsertCounter: db.prepare(
      'INSERT INTO counter_state (device, field, last, offset) VALUES (?, ?, ?, ?) ON CONFLICT(device, field) DO UPDATE SET last = excluded.last, offset = excluded.offset',
    ),
    counters: db.prepare('SELECT device, field, last, offset FROM counter_state'),
    insertLog: db.prepare('INSERT INTO counter_log (body) VALUES (?)'),
    log: db.prepare('SELECT body FROM counter_log ORDER BY id'),
    clearLog: db.prepare('DELETE FROM counter_log'),
  };
}

/** An upsert of `rows` counter states at once (one multi-row INSERT instead of one per counter). */
export function prepareCounterUpsert(db: Database.Database, rows: number): Database.Statement {
  return db.prepare(
    `INSERT INTO counter_state (device, field, last, offset) VALUES ${Array(rows).fill('(?, ?, ?, ?)').join(', ')} ON CONFLICT(device, field) DO UPDATE SET last = excluded.last, offset = excluded.offset`,
  );
}

/** Moves the readings of a former per-reading `outbox` table into chunks, then drops it. */
export function migratePerReadingOutbox(db: Database.Database, stmt: OutboxStatements): void {
  const old = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").get();
  if (!old) return;
  db.transaction(() => {
    const lastOld =
      (
        db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").get() as
          | { seq: number }
          | undefined
      )?.seq ?? 0;
    const page = db.prepare(
      'SELECT seq, device, ts, quality, priority, "values" FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    let after = 0;
    for (;;) {
      const rows = page.all(after, MIGRATE_CHUNK) as Array<{
        seq: number;
        device: string;
        ts: number;
        quality: string;
        priority: number;
        values: string;
      }>;
      if (rows.length === 0) break;
      const events = rows.filter((r) => r.priority === PRIORITY_EVENT).map((r) => r.seq);
      const routine = rows.filter((r) => r.priority !== PRIORITY_EVENT);
      stmt.insertChunk.run(
        rows[0]!.seq,
        rows[rows.length - 1]!.seq,
        rows.length,
        events.length,
        Math.min(...rows.map((r) => r.ts)),
        routine.length ? Math.min(...routine.map((r) => r.ts)) : null,
        events.length ? JSON.stringify(events) : null,
        // The stored values text is JSON.stringify of the values, as readingJson wants it.
        `[${rows.map((r) => readingJson(r.seq, r.device, r.ts, r.quality, r.values)).join(',')}]`,
      );
      after = rows[rows.length - 1]!.seq;
    }
    stmt.setMeta.run(
      'last_seq',
      Math.max(lastOld, after, (stmt.getMeta.get('last_seq') as { value: number } | undefined)?.value ?? 0),
    );
    db.exec('DROP TABLE outbox');
  })();
}
