import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Reading } from '../../protocols/src/index.js';
import type { PolledReading } from './poller.js';

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

/**
 * Durable outbox: every reading is appended here before any publish attempt and deleted only
 * after the broker's PUBACK. SQLite in WAL mode:
 * - sync "normal" (default): a commit survives the process being killed (kill -9, crash); after a
 *   power loss the newest commits since the last WAL sync may be lost, but the file is never corrupt.
 * - sync "full": every append is fsynced, so it survives power loss too, at one fsync per append.
 * The sequence number is SQLite's AUTOINCREMENT rowid: per gateway, strictly increasing, never reused.
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
    | 'addMeta',
    Database.Statement
  >;
  private cachedDepth: number;
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
    CREATE INDEX IF NOT EXISTS outbox_priority ON outbox (priority, seq);
    CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);`);
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
    };
    this.cachedDepth = (this.stmt.count.get() as { n: number }).n;
  }

  /** Appends readings in one transaction; returns their sequence numbers. */
  append(readings: readonly AppendItem[], now = Date.now()): number[] {
    const seqs: number[] = [];
    this.db.transaction(() => {
      for (const r of readings) {
        const info = this.stmt.insert.run(
          r.device,
          r.ts,
          r.quality,
          r.priority ?? PRIORITY_ROUTINE,
          JSON.stringify(r.values),
        );
        seqs.push(Number(info.lastInsertRowid));
      }
    })();
    this.cachedDepth += readings.length;
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
      const aged = this.stmt.dropAged.run(now - this.limits.maxAgeHours * 3_600_000).changes;
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
    return dropped;
  }

  private count(key: string, n: number): void {
    if (n > 0) this.stmt.addMeta.run(key, n);
  }

  private meta(key: string): number {
    return (this.stmt.getMeta.get(key) as { value: number } | undefined)?.value ?? 0;
  }

  /** The oldest readings with afterSeq < seq <= upToSeq, in order. */
  peek(afterSeq: number, limit: number, upToSeq = Number.MAX_SAFE_INTEGER): Reading[] {
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

  /** Highest sequence number ever assigned (0 when none). */
  lastSeq(): number {
    const row = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").get() as
      | { seq: number }
      | undefined;
    return row?.seq ?? 0;
  }

  /** Removes an acknowledged, contiguous run of sequence numbers. */
  ack(fromSeq: number, toSeq: number): void {
    this.cachedDepth -= this.stmt.deleteRange.run(fromSeq, toSeq).changes;
  }

  depth(): number {
    return this.cachedDepth;
  }

  stats(): OutboxStats {
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
    this.db.close();
  }
}
