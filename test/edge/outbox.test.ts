import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppendItem, Outbox, PRIORITY_EVENT, PRIORITY_ROUTINE } from '../../edge/src/outbox.js';

const reading = (device: string, ts: number, priority = PRIORITY_ROUTINE) => ({
  device,
  ts,
  values: { x: ts },
  quality: 'good' as const,
  priority,
});

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
        json: JSON.stringify(rows).slice(1, -1),
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
    expect(box.peekJson(0, 100)!.json).toContain('"label":"a \\"quoted\\" \\\\ é\\u0001"');
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
});
