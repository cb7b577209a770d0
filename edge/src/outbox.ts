import type Database from 'better-sqlite3';
import type { Reading } from '../../protocols/src/index.js';
import {
  migratePerReadingOutbox,
  type OutboxStatements,
  openOutboxFile,
  PRIORITY_EVENT,
  prepareCounterUpsert,
  prepareOutboxStatements,
} from './outbox-schema.js';
import type { PolledReading } from './poller.js';
import { type JsonRows, RecentReadings, readingJson } from './recent-readings.js';

export { PRIORITY_EVENT, PRIORITY_ROUTINE } from './outbox-schema.js';

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

/** Counter states upserted into counter_state at most every this many appends (a log row in between). */
const COUNTER_FOLD_EVERY = 100;
const ROWS_PER_UPSERT = 32;

/** How long acknowledged readings may wait for the next append to delete them in its transaction. */
const ACK_FLUSH_MS = 1000;

/** A chunk's row without its body. */
interface ChunkHead {
  first_seq: number;
  last_seq: number;
  n: number;
  n_events: number;
}

interface ChunkRow extends ChunkHead {
  event_seqs: string | null;
  body: string;
}

/** What a chunk rewrite took out. */
interface Removed {
  routine: number;
  events: number;
}

/**
 * Durable outbox: every reading is appended here before any publish attempt and deleted only
 * after the broker's PUBACK. SQLite in WAL mode:
 * - sync "normal" (default): a commit survives the process being killed (kill -9, crash); after a
 *   power loss the newest commits since the last WAL sync may be lost, but the file is never corrupt.
 * - sync "full": every append is fsynced, so it survives power loss too, at one fsync per append.
 *
 * Storage is by chunk: one append (AppendBatcher: the readings of ~100 ms) is one row of
 * outbox_chunks, its readings a JSON array in `body`, each exactly as it goes out in a telemetry
 * message ({seq, device, ts, quality, values}), plus the seqs of its events (`event_seqs`) and
 * what the bounds need without reading the body (count, event count, oldest timestamps). One row
 * per append instead of one per reading is most of the storage cost saved. Sequence numbers run
 * on inside and across chunks; the highest ever assigned is kept in outbox_meta ('last_seq', in
 * every append's transaction), so none is reused after its chunk was deleted.
 *
 * Acks: a reading leaves only after its PUBACK. An acknowledged range deletes the chunks it
 * covers whole; a chunk acknowledged in part is rewritten without the acknowledged readings
 * (its first_seq then moves up), so the rest stays until its own PUBACK. Live acks (the
 * newest readings) are deleted with the next append (one commit instead of two); a part of a
 * chunk acked there waits for the rest of that chunk (the next message's PUBACK), and is
 * rewritten only if a timer, a read from the file, stats or close comes first. If the process
 * dies before the delete the readings are sent again, which the cloud absorbs (a reading's
 * identity is device + timestamp). The newest readings are also kept in memory (RecentReadings)
 * so the publisher's live lane does not read back what was just written.
 *
 * Counter states (counters.ts) are stored in the transaction of the readings computed from them:
 * as one counter_log row per append, folded into counter_state every COUNTER_FOLD_EVERY appends
 * (and at open), instead of one upsert per counter per append.
 *
 * Bounds (stated policy): over maxReadings, the oldest routine readings go first, events only when
 * no routine reading is left; routine readings older than maxAgeHours go too. Every drop is counted
 * (persistently), so the cloud can tell a gap from a loss.
 *
 * An outbox file of the former schema (one `outbox` row per reading) is migrated at open, in one
 * transaction: its readings become chunks, its sequence numbers and drop counts carry over.
 */
export class Outbox {
  private readonly db: Database.Database;
  private readonly stmt: OutboxStatements;
  private cachedDepth: number;
  /** Append transactions committed since open (each is one WAL commit). */
  commits = 0;
  /** Sequence number of the newest event (priority PRIORITY_EVENT) appended since open; 0: none. */
  lastEventSeq = 0;
  /** Highest sequence number assigned. */
  private seq: number;
  private readonly recent: RecentReadings;
  /** Acknowledged ranges not yet deleted from the file. */
  private acked: Array<[number, number]> = [];
  private ackTimer?: NodeJS.Timeout;
  private readonly upsertCounters: Database.Statement;
  /** Counter states logged since the last fold, by device + field. */
  private unfolded = new Map<string, CounterRow>();
  private logRows = 0;
  private readonly appendTx: Database.Transaction<
    (first: number, readings: readonly AppendItem[], body: string, counters: readonly CounterRow[]) => void
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
    this.db = openOutboxFile(path, sync);
    this.stmt = prepareOutboxStatements(this.db);
    this.upsertCounters = prepareCounterUpsert(this.db, ROWS_PER_UPSERT);
    migratePerReadingOutbox(this.db, this.stmt);
    // A log left by the last run (killed, or fewer than COUNTER_FOLD_EVERY appends): fold it now.
    this.db.transaction(() => {
      const states = new Map<string, CounterRow>();
      for (const { body } of this.stmt.log.all() as Array<{ body: string }>)
        for (const [device, field, last, offset] of JSON.parse(body) as Array<
          [string, string, number, number]
        >)
          states.set(`${device}\u0000${field}`, { device, field, last, offset });
      if (states.size) this.writeCounters([...states.values()]);
      this.stmt.clearLog.run();
    })();
    const maxChunk = (this.stmt.maxChunkSeq.get() as { seq: number | null }).seq ?? 0;
    this.seq = Math.max(this.meta('last_seq'), maxChunk);
    this.cachedDepth = (this.stmt.depth.get() as { n: number }).n;
    this.recent = new RecentReadings(this.seq + 1);
    this.appendTx = this.db.transaction((first, readings, body, counters) => {
      this.deleteAcked(false);
      const n = readings.length;
      if (n > 0) {
        let minTs = Number.POSITIVE_INFINITY;
        let routineMin = Number.POSITIVE_INFINITY;
        const events: number[] = [];
        for (let i = 0; i < n; i++) {
          const r = readings[i]!;
          if (r.ts < minTs) minTs = r.ts;
          if (r.priority === PRIORITY_EVENT) events.push(first + i);
          else if (r.ts < routineMin) routineMin = r.ts;
        }
        this.stmt.insertChunk.run(
          first,
          first + n - 1,
          n,
          events.length,
          minTs,
          routineMin === Number.POSITIVE_INFINITY ? null : routineMin,
          events.length ? JSON.stringify(events) : null,
          body,
        );
        this.stmt.setMeta.run('last_seq', first + n - 1);
      }
      if (counters.length > 0) {
        if (this.logRows + 1 >= COUNTER_FOLD_EVERY) {
          const states = new Map(this.unfolded);
          for (const c of counters) states.set(`${c.device}\u0000${c.field}`, c);
          this.writeCounters([...states.values()]);
          this.stmt.clearLog.run();
        } else {
          this.stmt.insertLog.run(JSON.stringify(counters.map((c) => [c.device, c.field, c.last, c.offset])));
        }
      }
    });
  }

  private writeCounters(rows: readonly CounterRow[]): void {
    let k = 0;
    for (; k + ROWS_PER_UPSERT <= rows.length; k += ROWS_PER_UPSERT) {
      const params: unknown[] = [];
      for (let j = k; j < k + ROWS_PER_UPSERT; j++) {
        const c = rows[j]!;
        params.push(c.device, c.field, c.last, c.offset);
      }
      this.upsertCounters.run(params);
    }
    for (; k < rows.length; k++) {
      const c = rows[k]!;
      this.stmt.upsertCounter.run(c.device, c.field, c.last, c.offset);
    }
  }

  /**
   * Appends readings in one transaction (one chunk), with the counter states they were computed
   * from (so a restart continues every counter exactly where the stored readings left it); returns
   * their sequence numbers.
   */
  append(readings: readonly AppendItem[], now = Date.now(), counters: readonly CounterRow[] = []): number[] {
    const first = this.seq + 1;
    const n = readings.length;
    const jsons = new Array<string>(n);
    // Where each reading's text starts in the body: after '[' and the earlier readings and commas.
    const starts = new Uint32Array(n + 1);
    let at = 1;
    for (let i = 0; i < n; i++) {
      const r = readings[i]!;
      const json = readingJson(first + i, r.device, r.ts, r.quality, JSON.stringify(r.values));
      jsons[i] = json;
      starts[i] = at;
      at += json.length + 1;
    }
    starts[n] = at; // the body's length: reading n-1 ends at the closing bracket
    const body = `[${jsons.join(',')}]`;
    this.appendTx(first, readings, body, counters);
    this.seq += n;
    if (counters.length > 0) {
      if (this.logRows + 1 >= COUNTER_FOLD_EVERY) {
        this.unfolded = new Map();
        this.logRows = 0;
      } else {
        for (const c of counters) this.unfolded.set(`${c.device}\u0000${c.field}`, c);
        this.logRows++;
      }
    }
    const seqs = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      seqs[i] = first + i;
      if (readings[i]!.priority === PRIORITY_EVENT) this.lastEventSeq = first + i;
    }
    this.recent.addChunk(first, body, starts);
    this.cachedDepth += n;
    this.commits++;
    this.trackRate(n, now);
    // Enforcing bounds costs a few queries: do it on overflow at once, otherwise every 1,000 appends.
    this.appendsSinceCheck += n;
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

  /**
   * Rewrites a chunk with only the readings keep() accepts (deletes it if none is left); returns
   * how many routine readings and events went.
   */
  private rewrite(chunk: ChunkRow, keep: (r: Reading, event: boolean) => boolean): Removed {
    const eventSeqs = new Set<number>(chunk.event_seqs ? (JSON.parse(chunk.event_seqs) as number[]) : []);
    const kept: Reading[] = [];
    let minTs = Number.POSITIVE_INFINITY;
    let routineMin = Number.POSITIVE_INFINITY;
    const keptEvents: number[] = [];
    const removed: Removed = { routine: 0, events: 0 };
    for (const r of JSON.parse(chunk.body) as Reading[]) {
      const event = eventSeqs.has(r.seq);
      if (!keep(r, event)) {
        if (event) removed.events++;
        else removed.routine++;
        continue;
      }
      kept.push(r);
      if (r.ts < minTs) minTs = r.ts;
      if (event) keptEvents.push(r.seq);
      else if (r.ts < routineMin) routineMin = r.ts;
    }
    if (removed.routine + removed.events === 0) return removed;
    if (kept.length === 0) {
      this.stmt.deleteChunk.run(chunk.first_seq);
      return removed;
    }
    this.stmt.updateChunk.run(
      kept[0]!.seq,
      kept[kept.length - 1]!.seq,
      kept.length,
      keptEvents.length,
      minTs,
      routineMin === Number.POSITIVE_INFINITY ? null : routineMin,
      keptEvents.length ? JSON.stringify(keptEvents) : null,
      `[${kept.map((r) => JSON.stringify(r)).join(',')}]`,
      chunk.first_seq,
    );
    return removed;
  }

  /**
   * Deletes the readings from..to from the file (inside the caller's transaction); returns how many
   * went. A chunk only partly in the range is rewritten, or, with `partial`, left alone and its
   * part of the range handed to it.
   */
  private removeRange(from: number, to: number, partial?: Array<[number, number]>): number {
    const heads = this.stmt.heads.all({ from, to }) as ChunkHead[];
    let removed = 0;
    let covered = false;
    for (const h of heads) {
      if (h.last_seq < from) continue;
      if (h.first_seq >= from && h.last_seq <= to) {
        removed += h.n;
        covered = true;
      } else if (partial) {
        partial.push([Math.max(from, h.first_seq), Math.min(to, h.last_seq)]);
      } else {
        const r = this.rewrite(
          this.stmt.chunk.get(h.first_seq) as ChunkRow,
          (x) => x.seq < from || x.seq > to,
        );
        removed += r.routine + r.events;
      }
    }
    if (covered) this.stmt.deleteCovered.run({ from, to });
    return removed;
  }

  /** Applies the size and age bounds; returns how many readings were dropped. */
  enforceLimits(now = Date.now()): number {
    this.appendsSinceCheck = 0;
    let dropped = 0;
    this.db.transaction(() => {
      const cutoff = now - this.limits.maxAgeHours * 3_600_000;
      // The age rule reads many chunks: skip it when the oldest routine reading is young enough.
      let oldest = this.stmt.oldestRoutine.get() as { ts: number } | undefined;
      const over = this.cachedDepth > this.limits.maxReadings;
      if (!over && !(oldest && oldest.ts < cutoff)) return; // the common case: nothing to drop
      // Something goes: first every pending ack (incl. parts of chunks), so no reading counts twice.
      this.deleteAcked(true);
      oldest = this.stmt.oldestRoutine.get() as { ts: number } | undefined;
      let aged = 0;
      if (oldest && oldest.ts < cutoff) {
        for (const chunk of this.stmt.agedChunks.all(cutoff) as ChunkRow[])
          aged += this.rewrite(chunk, (r, event) => event || r.ts >= cutoff).routine;
      }
      this.count('dropped_routine', aged);
      dropped += aged;
      this.cachedDepth -= aged;
      let excess = this.cachedDepth - this.limits.maxReadings;
      let routine = 0;
      while (excess > 0) {
        const h = this.stmt.firstRoutine.get() as ChunkHead | undefined;
        if (!h) break;
        if (h.n_events === 0 && h.n <= excess) {
          this.stmt.deleteChunk.run(h.first_seq);
          routine += h.n;
          excess -= h.n;
        } else {
          let k = excess;
          const r = this.rewrite(
            this.stmt.chunk.get(h.first_seq) as ChunkRow,
            (_r, event) => event || k-- <= 0,
          );
          routine += r.routine;
          excess -= r.routine;
        }
      }
      let events = 0;
      while (excess > 0) {
        const h = this.stmt.firstChunk.get() as ChunkHead | undefined;
        if (!h) break;
        if (h.n <= excess) {
          this.stmt.deleteChunk.run(h.first_seq);
          events += h.n;
          excess -= h.n;
        } else {
          let k = excess;
          const r = this.rewrite(this.stmt.chunk.get(h.first_seq) as ChunkRow, () => k-- <= 0);
          events += r.events + r.routine;
          excess -= r.events + r.routine;
        }
      }
      this.count('dropped_routine', routine);
      this.count('dropped_events', events);
      dropped += routine + events;
      this.cachedDepth -= routine + events;
    })();
    // Dropped readings may be in the in-memory window: start it afresh (rare: only over a bound).
    if (dropped > 0) this.recent.reset(this.seq + 1);
    return dropped;
  }

  /**
   * Deletes the acknowledged ranges from the file (inside the caller's transaction, if any). Not
   * `all`: a chunk acknowledged only in part keeps waiting for the rest of its acks (no rewrite).
   */
  private deleteAcked(all: boolean): void {
    if (this.acked.length === 0) return;
    const ranges = this.acked.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [from, to] of ranges) {
      const last = merged[merged.length - 1];
      if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
      else merged.push([from, to]);
    }
    const partial: Array<[number, number]> = [];
    for (const [from, to] of merged) this.removeRange(from, to, all ? undefined : partial);
    this.acked = partial;
    if (partial.length === 0 && this.ackTimer) {
      clearTimeout(this.ackTimer);
      this.ackTimer = undefined;
    }
  }

  /** Applies every pending ack now, in a transaction of its own. */
  private flushAcked(): void {
    if (this.acked.length) this.db.transaction(() => this.deleteAcked(true))();
  }

  private count(key: string, n: number): void {
    if (n > 0) this.stmt.addMeta.run(key, n);
  }

  private meta(key: string): number {
    return (this.stmt.getMeta.get(key) as { value: number } | undefined)?.value ?? 0;
  }

  /** Readings with afterSeq < seq <= upToSeq from the file, oldest first, at most limit. */
  private readFile(afterSeq: number, limit: number, upToSeq: number): Reading[] {
    this.flushAcked();
    const out: Reading[] = [];
    for (const row of this.stmt.chunksFrom.iterate({ from: afterSeq + 1, to: upToSeq }) as Iterable<{
      first_seq: number;
      last_seq: number;
      body: string;
    }>) {
      if (row.last_seq <= afterSeq) continue;
      for (const r of JSON.parse(row.body) as Reading[]) {
        if (r.seq <= afterSeq) continue;
        if (r.seq > upToSeq || out.length >= limit) return out;
        out.push(r);
      }
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The oldest readings with afterSeq < seq <= upToSeq, in order. */
  peek(afterSeq: number, limit: number, upToSeq = Number.MAX_SAFE_INTEGER): Reading[] {
    if (afterSeq >= upToSeq) return [];
    if (afterSeq + 1 >= this.recent.first) return this.recent.peek(afterSeq, limit, upToSeq);
    return this.readFile(afterSeq, limit, upToSeq);
  }

  /**
   * peek() as JSON, ready for a telemetry batch: the same text JSON.stringify would give for the
   * rows peek() returns (test/edge/outbox.test.ts), without serialising each reading again.
   */
  peekJson(afterSeq: number, limit: number, upToSeq = Number.MAX_SAFE_INTEGER): JsonRows | undefined {
    if (afterSeq >= upToSeq) return undefined;
    if (afterSeq + 1 >= this.recent.first) return this.recent.peekJson(afterSeq, limit, upToSeq);
    const rows = this.readFile(afterSeq, limit, upToSeq);
    if (rows.length === 0) return undefined;
    return {
      first: rows[0]!.seq,
      last: rows[rows.length - 1]!.seq,
      count: rows.length,
      // Parsed from text JSON.stringify wrote, in the same key order: the same text again.
      json: Buffer.from(rows.map((r) => JSON.stringify(r)).join(',')),
    };
  }

  /** Highest sequence number ever assigned (0 when none). */
  lastSeq(): number {
    return this.seq;
  }

  /** Removes an acknowledged, contiguous run of sequence numbers. */
  ack(fromSeq: number, toSeq: number): void {
    const first = this.recent.first;
    if (fromSeq < first) {
      // Older than the in-memory window (backlog): delete now, counting what really goes (pending
      // live acks first, so nothing is counted twice).
      this.cachedDepth -= this.db.transaction(() => {
        this.deleteAcked(true);
        return this.removeRange(fromSeq, Math.min(toSeq, first - 1));
      })();
    }
    if (toSeq >= first) {
      this.cachedDepth -= this.recent.remove(Math.max(fromSeq, first), toSeq);
      this.acked.push([Math.max(fromSeq, first), toSeq]);
      // The next append deletes them; without appends, a timer does.
      this.ackTimer ??= setTimeout(() => {
        this.ackTimer = undefined;
        this.flushAcked();
      }, ACK_FLUSH_MS).unref();
    }
  }

  /** Every counter's stored continuity state. */
  counterStates(): CounterRow[] {
    const states = new Map<string, CounterRow>();
    for (const c of this.stmt.counters.all() as CounterRow[]) states.set(`${c.device}\u0000${c.field}`, c);
    for (const c of this.unfolded.values()) states.set(`${c.device}\u0000${c.field}`, c);
    return [...states.values()];
  }

  depth(): number {
    return this.cachedDepth;
  }

  stats(): OutboxStats {
    this.flushAcked();
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
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.flushAcked();
    this.db.close();
  }
}
