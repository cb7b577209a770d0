import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Reading } from '../../protocols/src/index.js';
import type { PolledReading } from './poller.js';
import { type JsonRows, RecentReadings, readingJson } from './recent-readings.js';

/** Readings that must survive a long outage: events (door, leak), state changes, comm failures. */
export const PRIORITY_EVENT = 1;
export const PRIORITY_ROUTINE = 0;

export interface OutboxLimits {
  /** Most readings kept; beyond it the oldest routine readings are dropped first. */
  maxReadings: number;
  /** Routine readings older than this are dropped; events are kept until the size limit forces them out. */
  maxAgeHours: number;
}

export const DEFAULT_LIMITS: OutboxLimits = { maxReadings: 2_000_000, maxAgeHours: 14 * 24 };

export interface OutboxStats {
  depth: number;
  oldestTs: number | null;
  droppedRoutine: number;
  droppedEvents: number;
  /** At the recent append rate, hours until the size limit starts dropping readings (null: no rate yet). */
  hoursLeft: number | null;
}

export interface AppendItem extends PolledReading {
  priority?: number;
}

/** A counter's continuity state (see counters.ts), stored in the same transaction as its reading. */
export interface CounterRow {
  device: string;
  field: string;
  /** Last raw value read (engineering units, before the offset). */
  last: number;
  /** Added to the raw value to give the continuous total. */
  offset: number;
}

const ROWS_PER_INSERT = 32;

/** How long acknowledged readings may wait for the next append to delete them in its transaction. */
const ACK_FLUSH_MS = 1000;

/**
 * Durable outbox: every reading is appended here before any publish attempt and deleted only
 * after the broker's PUBACK. SQLite in WAL mode:
 * - sync "normal" (default): a commit survives the process being killed (kill -9, crash); after a
 *   power loss the newest commits since the last WAL sync may be lost, but the file is never corrupt.
 * - sync "full": every append is fsynced, so it survives power loss too, at one fsync per append.
 * The sequence number is SQLite's AUTOINCREMENT rowid: per gateway, strictly increasing, never reused.
 *
 * Acknowledged readings leave the count at once but are deleted from the file with the next append
 * (one commit instead of two); if the process dies first they are sent again, which the cloud
 * absorbs (a reading's identity is device + timestamp). The newest readings are also kept in memory
 * (RecentReadings) so the publisher's live lane does not read back what was just written.
 *
 * Bounds (stated policy): over maxReadings, the oldest routine readings go first, events only when
 * no routine reading is left; routine readings older than maxAgeHours go too. Every drop is counted
 * (persistently), so the cloud can tell a gap from a loss.
 */
export class Outbox {
  private readonly db: Database.Database;
  private readonly stmt: Record<
    | 'insert'
    | 'selectRange'
    | 'deleteRange'
    | 'count'
    | 'oldest'
    | 'dropRoutine'
    | 'dropEvents'
    | 'dropAged'
    | 'getMeta'
    | 'addMeta'
    | 'oldestRoutine'
    | 'lastSeq'
    | 'upsertCounter'
    | 'counters',
    Database.Statement
  >;
  private cachedDepth: number;
  /** Append transactions committed since open (each is one WAL commit). */
  commits = 0;
  /** Sequence number of the newest event (priority PRIORITY_EVENT) appended since open; 0: none. */
  lastEventSeq = 0;
  private readonly recent: RecentReadings;
  /** Acknowledged ranges not yet deleted from the file. */
  private acked: Array<[number, number]> = [];
  private ackTimer?: NodeJS.Timeout;
  /** INSERT of ROWS_PER_INSERT rows at once: one statement step instead of one per row. */
  private readonly insertMany: Database.Statement;
  /** Upsert of ROWS_PER_INSERT counter states at once, likewise. */
  private readonly upsertCounters: Database.Statement;
  private readonly appendTx: Database.Transaction<
    (
      readings: readonly AppendItem[],
      texts: readonly string[],
      counters: readonly CounterRow[],
      seqs: number[],
    ) => void
  >;
  private appendsSinceCheck = 0;
  /** Appends per hour, smoothed; drives hoursLeft. */
  private rate = 0;
  private rateWindowStart?: number;
  private rateWindowCount = 0;

  constructor(
    path: string,
    sync: 'normal' | 'full' = 'normal',
    private readonly limits: OutboxLimits = DEFAULT_LIMITS,
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      device TEXT NOT NULL,
      ts INTEGER NOT NULL,
      quality TEXT NOT NULL,
      priority INTEGER NOT NULL DEFAULT 0,
      "values" TEXT NOT NULL
    );
    -- No index on priority: it doubled the cost of every append, and the bound's "oldest routine
    -- first" walks the table in seq order, where routine readings are the common case.
    DROP INDEX IF EXISTS outbox_priority;
    CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS counter_state (
      device TEXT NOT NULL,
      field TEXT NOT NULL,
      last REAL NOT NULL,
      offset REAL NOT NULL,
      PRIMARY KEY (device, field)
    ) WITHOUT ROWID;`);
    this.stmt = {
      insert: this.db.prepare(
        'INSERT INTO outbox (device, ts, quality, priority, "values") VALUES (?, ?, ?, ?, ?)',
      ),
      selectRange: this.db.prepare(
        'SELECT seq, device, ts, quality, "values" FROM outbox WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
      ),
      deleteRange: this.db.prepare('DELETE FROM outbox WHERE seq >= ? AND seq <= ?'),
      count: this.db.prepare('SELECT count(*) AS n FROM outbox'),
      oldest: this.db.prepare('SELECT ts FROM outbox ORDER BY seq LIMIT 1'),
      dropRoutine: this.db.prepare(
        'DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE priority = 0 ORDER BY seq LIMIT ?)',
      ),
      dropEvents: this.db.prepare(
        'DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT ?)',
      ),
      dropAged: this.db.prepare('DELETE FROM outbox WHERE priority = 0 AND ts < ?'),
      getMeta: this.db.prepare('SELECT value FROM outbox_meta WHERE key = ?'),
      addMeta: this.db.prepare(
        'INSERT INTO outbox_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = value + excluded.value',
      ),
      oldestRoutine: this.db.prepare('SELECT ts FROM outbox WHERE priority = 0 ORDER BY seq LIMIT 1'),
      lastSeq: this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'"),
      upsertCounter: this.db.prepare(
        'INSERT INTO counter_state (device, field, last, offset) VALUES (?, ?, ?, ?) ON CONFLICT(device, field) DO UPDATE SET last = excluded.last, offset = excluded.offset',
      ),
      counters: this.db.prepare('SELECT device, field, last, offset FROM counter_state'),
    };
    this.cachedDepth = (this.stmt.count.get() as { n: number }).n;
    this.recent = new RecentReadings(this.lastSeq() + 1);
    this.insertMany = this.db.prepare(
      `INSERT INTO outbox (device, ts, quality, priority, "values") VALUES ${Array(ROWS_PER_INSERT).fill('(?, ?, ?, ?, ?)').join(', ')}`,
    );
    this.upsertCounters = this.db.prepare(
      `INSERT INTO counter_state (device, field, last, offset) VALUES ${Array(ROWS_PER_INSERT).fill('(?, ?, ?, ?)').join(', ')} ON CONFLICT(device, field) DO UPDATE SET last = excluded.last, offset = excluded.offset`,
    );
    this.appendTx = this.db.transaction((readings, texts, counters, seqs) => {
      this.deleteAcked();
      let i = 0;
      for (; i + ROWS_PER_INSERT <= readings.length; i += ROWS_PER_INSERT) {
        const params: unknown[] = [];
        for (let j = i; j < i + ROWS_PER_INSERT; j++) {
          const r = readings[j]!;
          params.push(r.device, r.ts, r.quality, r.priority ?? PRIORITY_ROUTINE, texts[j]);
        }
        // Rows of one INSERT get consecutive rowids, the last one reported.
        const last = Number(this.insertMany.run(params).lastInsertRowid);
        for (let k = ROWS_PER_INSERT - 1; k >= 0; k--) seqs.push(last - k);
      }
      for (; i < readings.length; i++) {
        const r = readings[i]!;
        const info = this.stmt.insert.run(
          r.device,
          r.ts,
          r.quality,
          r.priority ?? PRIORITY_ROUTINE,
          texts[i],
        );
        seqs.push(Number(info.lastInsertRowid));
      }
      let k = 0;
      for (; k + ROWS_PER_INSERT <= counters.length; k += ROWS_PER_INSERT) {
        const params: unknown[] = [];
        for (let j = k; j < k + ROWS_PER_INSERT; j++) {
          const c = counters[j]!;
          params.push(c.device, c.field, c.last, c.offset);
        }
        this.upsertCounters.run(params);
      }
      for (; k < counters.length; k++) {
        const c = counters[k]!;
        this.stmt.upsertCounter.run(c.device, c.field, c.last, c.offset);
      }
    });
  }

  /**
   * Appends readings in one transaction, with the counter states they were computed from (so a
   * restart continues every counter exactly where the stored readings left it); returns their
   * sequence numbers.
   */
  append(readings: readonly AppendItem[], now = Date.now(), counters: readonly CounterRow[] = []): number[] {
    const seqs: number[] = [];
    const texts = readings.map((r) => JSON.stringify(r.values));
    this.appendTx(readings, texts, counters, seqs);
    for (let i = 0; i < readings.length; i++) {
      const r = readings[i]!;
      const seq = seqs[i]!;
      if (r.priority === PRIORITY_EVENT && seq > this.lastEventSeq) this.lastEventSeq = seq;
      this.recent.add(
        { seq, device: r.device, ts: r.ts, quality: r.quality, values: r.values },
        readingJson(seq, r.device, r.ts, r.quality, texts[i]!),
      );
    }
    this.cachedDepth += readings.length;
    this.commits++;
    this.trackRate(readings.length, now);
    // Enforcing bounds costs a few queries: do it on overflow at once, otherwise every 1,000 appends.
    this.appendsSinceCheck += readings.length;
    if (this.cachedDepth > this.limits.maxReadings || this.appendsSinceCheck >= 1000) this.enforceLimits(now);
    return seqs;
  }

  private trackRate(n: number, now: number): void {
    if (this.rateWindowStart === undefined) {
      this.rateWindowStart = now; // the first append only opens the window
      return;
    }
    this.rateWindowCount += n;
    const elapsed = now - this.rateWindowStart;
    if (elapsed >= 60_000) {
      const perHour = (this.rateWindowCount * 3_600_000) / elapsed;
      this.rate = this.rate === 0 ? perHour : 0.7 * this.rate + 0.3 * perHour;
      this.rateWindowStart = now;
      this.rateWindowCount = 0;
    }
  }

  /** Applies the size and age bounds; returns how many readings were dropped. */
  enforceLimits(now = Date.now()): number {
    this.appendsSinceCheck = 0;
    let dropped = 0;
    this.db.transaction(() => {
      this.deleteAcked();
      const cutoff = now - this.limits.maxAgeHours * 3_600_000;
      // The age rule needs a full scan: skip it when the oldest routine reading is young enough.
      const oldest = this.stmt.oldestRoutine.get() as { ts: number } | undefined;
      const aged = oldest && oldest.ts < cutoff ? this.stmt.dropAged.run(cutoff).changes : 0;
      this.count('dropped_routine', aged);
      dropped += aged;
      this.cachedDepth -= aged;
      const excess = this.cachedDepth - this.limits.maxReadings;
      if (excess > 0) {
        const routine = this.stmt.dropRoutine.run(excess).changes;
        this.count('dropped_routine', routine);
        const events = excess > routine ? this.stmt.dropEvents.run(excess - routine).changes : 0;
        this.count('dropped_events', events);
        dropped += routine + events;
        this.cachedDepth -= routine + events;
      }
    })();
    // Dropped rows may be in the in-memory window: start it afresh (rare: only over a bound).
    if (dropped > 0) this.recent.reset(this.lastSeq() + 1);
    return dropped;
  }

  /** Deletes the acknowledged ranges from the file (inside the caller's transaction, if any). */
  private deleteAcked(): void {
    for (const [from, to] of this.acked) this.stmt.deleteRange.run(from, to);
    this.acked = [];
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
  }

  private count(key: string, n: number): void {
    if (n > 0) this.stmt.addMeta.run(key, n);
  }

  private meta(key: string): number {
    return (this.stmt.getMeta.get(key) as { value: number } | undefined)?.value ?? 0;
  }

  /** The oldest readings with afterSeq < seq <= upToSeq, in order. */
  peek(afterSeq: number, limit: number, upToSeq = Number.MAX_SAFE_INTEGER): Reading[] {
    if (afterSeq >= upToSeq) return [];
    if (afterSeq + 1 >= this.recent.first) return this.recent.peek(afterSeq, limit, upToSeq);
    this.deleteAcked();
    const rows = this.stmt.selectRange.all(afterSeq, upToSeq, limit) as Array<{
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

  /**
   * peek() as JSON, ready for a telemetry batch: the same text JSON.stringify would give for the
   * rows peek() returns (test/edge/outbox.test.ts), without serialising each reading again.
   */
  peekJson(afterSeq: number, limit: number, upToSeq = Number.MAX_SAFE_INTEGER): JsonRows | undefined {
    if (afterSeq >= upToSeq) return undefined;
    if (afterSeq + 1 >= this.recent.first) return this.recent.peekJson(afterSeq, limit, upToSeq);
    this.deleteAcked();
    const rows = this.stmt.selectRange.all(afterSeq, upToSeq, limit) as Array<{
      seq: number;
      device: string;
      ts: number;
      quality: string;
      values: string;
    }>;
    if (rows.length === 0) return undefined;
    return {
      first: rows[0]!.seq,
      last: rows[rows.length - 1]!.seq,
      count: rows.length,
      // The stored text is JSON.stringify of the values, so it goes out as it is.
      json: rows.map((r) => readingJson(r.seq, r.device, r.ts, r.quality, r.values)).join(','),
    };
  }

  /** Highest sequence number ever assigned (0 when none). */
  lastSeq(): number {
    const row = this.stmt.lastSeq.get() as { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  /** Removes an acknowledged, contiguous run of sequence numbers. */
  ack(fromSeq: number, toSeq: number): void {
    const first = this.recent.first;
    if (fromSeq < first) {
      // Older than the in-memory window (backlog): delete now, counting what really goes.
      this.cachedDepth -= this.stmt.deleteRange.run(fromSeq, Math.min(toSeq, first - 1)).changes;
    }
    if (toSeq >= first) {
      this.cachedDepth -= this.recent.remove(Math.max(fromSeq, first), toSeq);
      this.acked.push([Math.max(fromSeq, first), toSeq]);
      // The next append deletes them; without appends, a timer does.
      this.ackTimer ??= setTimeout(
        () => this.db.transaction(() => this.deleteAcked())(),
        ACK_FLUSH_MS,
      ).unref();
    }
  }

  /** Every counter's stored continuity state. */
  counterStates(): CounterRow[] {
    return this.stmt.counters.all() as CounterRow[];
  }

  depth(): number {
    return this.cachedDepth;
  }

  stats(): OutboxStats {
    if (this.acked.length) this.db.transaction(() => this.deleteAcked())();
    const oldest = this.stmt.oldest.get() as { ts: number } | undefined;
    const room = Math.max(0, this.limits.maxReadings - this.cachedDepth);
    return {
      depth: this.cachedDepth,
      oldestTs: oldest?.ts ?? null,
      droppedRoutine: this.meta('dropped_routine'),
      droppedEvents: this.meta('dropped_events'),
      hoursLeft: this.rate > 0 ? Math.round((room / this.rate) * 10) / 10 : null,
    };
  }

  close(): void {
    if (this.acked.length) this.db.transaction(() => this.deleteAcked())();
    this.db.close();
  }
}
