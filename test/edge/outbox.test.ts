import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppendItem, Outbox, PRIORITY_EVENT, PRIORITY_ROUTINE } from '../../edge/src/outbox.js';
import { reading } from '../support/outbox-readings.js';

describe('edge outbox', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'linli-outbox-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('numbers readings in order, keeps them across a reopen, and never reuses a number after ack', () => {
    const path = join(dir, 'o.db');
    let box = new Outbox(path);
    expect(box.append([reading('a', 1), reading('a', 2), reading('b', 3)])).toEqual([1, 2, 3]);
    box.ack(1, 2);
    box.close();
    box = new Outbox(path);
    expect(box.depth()).toBe(1);
    expect(box.peek(0, 10).map((r) => [r.seq, r.device, r.ts])).toEqual([[3, 'b', 3]]);
    box.ack(3, 3);
    expect(box.append([reading('c', 4)])).toEqual([4]);
    expect(box.lastSeq()).toBe(4);
    box.close();
  });

  it('peekJson is exactly JSON.stringify of what peek returns, from memory and from the file', () => {
    const path = join(dir, 'o.db');
    let box = new Outbox(path);
    const odd: AppendItem[] = [
      {
        device: 'wm-1',
        ts: 1_700_000_000_123,
        values: { total_litres: 100_000, flow_lpm: -0.1, leak: false },
        quality: 'good',
      },
      { device: 'door-2', ts: 5, values: {}, quality: 'comm_fail', priority: PRIORITY_EVENT },
      {
        device: 'em_3',
        ts: 6,
        values: { label: 'a "quoted" \\ é\u0001', kwh: 1.5e21, t: 1e-7 },
        quality: 'stale',
      },
    ];
    box.append(odd);
    box.append([reading('a', 7), reading('b', 8)]);
    const same = (after: number, limit: number, upTo?: number) => {
      const rows = box.peek(after, limit, upTo);
      const json = box.peekJson(after, limit, upTo);
      if (rows.length === 0) return expect(json).toBeUndefined();
      expect(json).toEqual({
        first: rows[0]!.seq,
        last: rows.at(-1)!.seq,
        count: rows.length,
        json: Buffer.from(JSON.stringify(rows).slice(1, -1)),
      });
    };
    same(0, 100); // in memory
    same(1, 2);
    same(2, 100, 4);
    same(5, 10);
    box.ack(1, 1);
    same(0, 100);
    box.close();
    box = new Outbox(path); // now from SQLite
    same(0, 100);
    same(2, 2);
    expect(box.peekJson(0, 100)!.json.toString()).toContain('"label":"a \\"quoted\\" \\\\ é\\u0001"');
    box.close();
  });

  it('peek respects the lane bounds used for backlog/live interleaving', () => {
    const box = new Outbox(join(dir, 'o.db'));
    box.append(Array.from({ length: 10 }, (_, i) => reading('a', i)));
    expect(box.peek(2, 3).map((r) => r.seq)).toEqual([3, 4, 5]);
    expect(box.peek(2, 100, 4).map((r) => r.seq)).toEqual([3, 4]);
    box.close();
  });

  it('over its size bound drops the oldest routine readings first and keeps events, counting drops', () => {
    const box = new Outbox(join(dir, 'o.db'), 'normal', { maxReadings: 100, maxAgeHours: 24 });
    const now = Date.now();
    box.append([reading('door', now, PRIORITY_EVENT)], now); // the oldest reading is an event
    for (let i = 1; i <= 149; i++) box.append([reading('meter', now + i)], now);
    expect(box.depth()).toBe(100);
    const kept = box.peek(0, 1000);
    expect(kept[0]!.device).toBe('door');
    expect(kept[1]!.ts).toBe(now + 51); // routine 1..50 dropped, the event kept
    const s = box.stats();
    expect(s.droppedRoutine).toBe(50);
    expect(s.droppedEvents).toBe(0);
    box.close();
  });

  it('drops events only when nothing routine is left', () => {
    const box = new Outbox(join(dir, 'o.db'), 'normal', { maxReadings: 100, maxAgeHours: 24 });
    const now = Date.now();
    for (let i = 0; i < 120; i++) box.append([reading('door', now + i, PRIORITY_EVENT)], now);
    expect(box.depth()).toBe(100);
    expect(box.stats().droppedEvents).toBe(20);
    expect(box.peek(0, 1)[0]!.ts).toBe(now + 20);
    box.close();
  });

  it('drops routine readings older than the age bound but keeps old events', () => {
    const box = new Outbox(join(dir, 'o.db'), 'normal', { maxReadings: 1000, maxAgeHours: 1 });
    const now = Date.now();
    box.append(
      [
        reading('meter', now - 3 * 3_600_000),
        reading('door', now - 3 * 3_600_000, PRIORITY_EVENT),
        reading('meter', now),
      ],
      now,
    );
    expect(box.enforceLimits(now)).toBe(1);
    expect(box.peek(0, 10).map((r) => r.device)).toEqual(['door', 'meter']);
    box.close();
  });

  it('reports hours of buffer left from the recent append rate', () => {
    const box = new Outbox(join(dir, 'o.db'), 'normal', { maxReadings: 10_000, maxAgeHours: 24 });
    const t0 = 1_700_000_000_000;
    expect(box.stats().hoursLeft).toBeNull();
    // 100 readings per minute = 6,000 per hour; 10,000 - 200 room left -> about 1.6 h.
    box.append(
      Array.from({ length: 100 }, (_, i) => reading('m', i)),
      t0,
    );
    box.append(
      Array.from({ length: 100 }, (_, i) => reading('m', 100 + i)),
      t0 + 60_000,
    );
    const left = box.stats().hoursLeft!;
    expect(left).toBeGreaterThan(1.4);
    expect(left).toBeLessThan(1.8);
    box.close();
  });

  /** A second connection to the file, as another process (or the next run after kill -9) sees it. */
  const raw = (path: string) => new Database(path, { readonly: true });
  const chunks = (path: string) => {
    const db = raw(path);
    const rows = db.prepare('SELECT first_seq, last_seq, n FROM outbox_chunks ORDER BY first_seq').all();
    db.close();
    return rows as Array<{ first_seq: number; last_seq: number; n: number }>;
  };

  it('stores one row per append, however many readings it holds', () => {
    const path = join(dir, 'o.db');
    const box = new Outbox(path);
    for (let b = 0; b < 3; b++) box.append(Array.from({ length: 100 }, (_, i) => reading('m', b * 100 + i)));
    expect(chunks(path)).toEqual([
      { first_seq: 1, last_seq: 100, n: 100 },
      { first_seq: 101, last_seq: 200, n: 100 },
      { first_seq: 201, last_seq: 300, n: 100 },
    ]);
    box.close();
  });

  it('deletes a reading only after its ack, also when an ack covers part of a chunk', () => {
    const path = join(dir, 'o.db');
    let box = new Outbox(path);
    box.append(Array.from({ length: 10 }, (_, i) => reading('m', i + 1)));
    box.close();
    box = new Outbox(path); // from the file: acks delete at once
    box.ack(1, 4); // the front of the chunk
    expect(box.depth()).toBe(6);
    expect(chunks(path)).toEqual([{ first_seq: 5, last_seq: 10, n: 6 }]);
    box.ack(7, 8); // a hole in the middle
    expect(box.peek(0, 100).map((r) => r.seq)).toEqual([5, 6, 9, 10]);
    box.close();
    box = new Outbox(path);
    expect(box.depth()).toBe(4);
    expect(box.peek(0, 100).map((r) => r.seq)).toEqual([5, 6, 9, 10]);
    box.ack(5, 6);
    box.ack(9, 10);
    expect(box.depth()).toBe(0);
    expect(chunks(path)).toEqual([]);
    expect(box.append([reading('m', 11)])).toEqual([11]);
    box.close();
  });

  it('live acks: a partly acked chunk waits for the rest of its acks, unacked readings survive a crash', () => {
    const path = join(dir, 'o.db');
    const box = new Outbox(path);
    box.append(Array.from({ length: 10 }, (_, i) => reading('m', i + 1))); // chunk 1..10
    box.ack(1, 4); // a message ending inside the chunk
    expect(box.depth()).toBe(6);
    box.append([reading('m', 11)]); // the append's transaction would delete acked readings
    expect(chunks(path)).toEqual([
      { first_seq: 1, last_seq: 10, n: 10 }, // not rewritten for a part
      { first_seq: 11, last_seq: 11, n: 1 },
    ]);
    // Killed now: the next run finds every unacknowledged reading (and resends 1..4 at worst).
    const after = new Outbox(path);
    expect(after.peek(0, 100).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    after.close();
    box.ack(5, 10); // the rest of the chunk: it goes whole with the next append
    box.append([reading('m', 12)]);
    expect(chunks(path).map((c) => c.first_seq)).toEqual([11, 12]);
    expect(box.depth()).toBe(2);
    box.ack(11, 11);
    box.close(); // pending acks are applied on close
    expect(chunks(path)).toEqual([{ first_seq: 12, last_seq: 12, n: 1 }]);
  });

  it('keeps the events of a chunk it has to cut for the size bound', () => {
    const box = new Outbox(join(dir, 'o.db'), 'normal', { maxReadings: 100, maxAgeHours: 24 });
    const now = Date.now();
    box.append(
      Array.from({ length: 60 }, (_, i) =>
        reading(i % 30 === 0 ? 'door' : 'm', now + i, i % 30 === 0 ? PRIORITY_EVENT : PRIORITY_ROUTINE),
      ),
      now,
    );
    box.append(
      Array.from({ length: 60 }, (_, i) => reading('m', now + 60 + i)),
      now,
    );
    expect(box.depth()).toBe(100);
    const kept = box.peek(0, 1000).map((r) => r.seq);
    expect(kept.slice(0, 3)).toEqual([1, 22, 23]); // event 1 kept, routine 2..21 dropped
    expect(kept).toContain(31); // the second event
    expect(kept).toHaveLength(100);
    expect(box.stats()).toMatchObject({ droppedRoutine: 20, droppedEvents: 0 });
    box.close();
  });

  it('logs counter states with each append and folds them into counter_state every 100 appends', () => {
    const path = join(dir, 'o.db');
    const box = new Outbox(path);
    const counterRows = () => {
      const db = raw(path);
      const log = (db.prepare('SELECT count(*) AS n FROM counter_log').get() as { n: number }).n;
      const state = db.prepare('SELECT device, field, last, offset FROM counter_state').all();
      db.close();
      return { log, state };
    };
    for (let i = 1; i <= 99; i++)
      box.append([reading('m', i)], Date.now(), [{ device: 'm', field: 'litres', last: i, offset: 65_536 }]);
    expect(counterRows()).toEqual({ log: 99, state: [] });
    // A crash now: the next run folds the log it finds, so no counter state is lost.
    const after = new Outbox(path);
    expect(after.counterStates()).toEqual([{ device: 'm', field: 'litres', last: 99, offset: 65_536 }]);
    after.close();
    expect(counterRows()).toEqual({
      log: 0,
      state: [{ device: 'm', field: 'litres', last: 99, offset: 65_536 }],
    });
    for (let i = 100; i <= 199; i++)
      box.append([reading('m', i)], Date.now(), [
        { device: 'm', field: 'litres', last: i, offset: 65_536 },
        { device: `other-${i}`, field: 'kwh', last: 1, offset: 0 },
      ]);
    const rows = counterRows();
    expect(rows.log).toBeLessThan(100);
    expect(rows.state).toContainEqual({ device: 'm', field: 'litres', last: 199 - rows.log, offset: 65_536 });
    expect(box.counterStates()).toContainEqual({ device: 'm', field: 'litres', last: 199, offset: 65_536 });
    expect(box.counterStates()).toHaveLength(101);
    box.close();
  });

  it('migrates an outbox file of the former per-reading schema at open', () => {
    const path = join(dir, 'old.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      device TEXT NOT NULL,
      ts INTEGER NOT NULL,
      quality TEXT NOT NULL,
      priority INTEGER NOT NULL DEFAULT 0,
      "values" TEXT NOT NULL
    );
    CREATE INDEX outbox_priority ON outbox (priority);
    CREATE TABLE outbox_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    CREATE TABLE counter_state (
      device TEXT NOT NULL, field TEXT NOT NULL, last REAL NOT NULL, offset REAL NOT NULL,
      PRIMARY KEY (device, field)
    ) WITHOUT ROWID;`);
    const insert = db.prepare(
      'INSERT INTO outbox (device, ts, quality, priority, "values") VALUES (?, ?, ?, ?, ?)',
    );
    for (let i = 1; i <= 2500; i++)
      insert.run(
        i % 500 === 0 ? 'door' : 'm',
        1000 + i,
        'good',
        i % 500 === 0 ? 1 : 0,
        JSON.stringify({ x: i }),
      );
    db.exec('DELETE FROM outbox WHERE seq <= 3 OR seq >= 2499'); // acked: 1..3 and the newest two
    db.prepare("INSERT INTO outbox_meta VALUES ('dropped_routine', 7)").run();
    db.prepare("INSERT INTO counter_state VALUES ('m', 'litres', 12.5, 65536)").run();
    db.close();

    let box = new Outbox(path, 'normal', { maxReadings: 2490, maxAgeHours: 24 * 365 * 100 });
    expect(box.lastSeq()).toBe(2500); // never reused, although 2499 and 2500 were deleted
    expect(box.depth()).toBe(2495);
    const rows = box.peek(0, 10_000);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 2495 }, (_, i) => i + 4));
    expect(rows[0]).toEqual({ seq: 4, device: 'm', ts: 1004, quality: 'good', values: { x: 4 } });
    expect(box.peekJson(0, 2)!.json.toString()).toBe(JSON.stringify(rows.slice(0, 2)).slice(1, -1));
    expect(box.counterStates()).toEqual([{ device: 'm', field: 'litres', last: 12.5, offset: 65536 }]);
    expect(box.stats().droppedRoutine).toBe(7);
    // Priorities carried over: over the bound, routine readings go first, the events stay.
    expect(box.enforceLimits()).toBe(5);
    const kept = box.peek(0, 10_000);
    expect(kept[0]!.seq).toBe(9);
    expect(kept.filter((r) => r.device === 'door').map((r) => r.seq)).toEqual([500, 1000, 1500, 2000]);
    expect(box.append([reading('m', 1)], Date.now())).toEqual([2501]);
    box.close();
    const check = raw(path);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name = 'outbox'").get()).toBeUndefined();
    check.close();
    box = new Outbox(path); // a second open finds nothing to migrate
    expect(box.depth()).toBe(2490); // the append above went over the bound by one
    expect(box.lastSeq()).toBe(2501);
    box.close();
  });
});
