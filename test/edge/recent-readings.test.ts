import { describe, expect, it } from 'vitest';
import { RecentReadings, readingJson } from '../../edge/src/recent-readings.js';

/** An append as Outbox.append hands it over: the body text and where each reading starts in it. */
function chunk(first: number, n: number): { body: string; starts: Uint32Array } {
  const jsons = Array.from({ length: n }, (_, i) =>
    readingJson(
      first + i,
      `dev-${first + i}`,
      1000 + first + i,
      'good',
      JSON.stringify({ v: (first + i) / 3 }),
    ),
  );
  const starts = new Uint32Array(n + 1);
  let at = 1;
  jsons.forEach((j, i) => {
    starts[i] = at;
    at += j.length + 1;
  });
  starts[n] = at;
  return { body: `[${jsons.join(',')}]`, starts };
}

function add(window: RecentReadings, first: number, n: number): void {
  const c = chunk(first, n);
  window.addChunk(first, c.body, c.starts);
}

/** What peekJson must equal: JSON.stringify of the rows peek gives, comma-separated. */
const asJson = (rows: unknown[]) => Buffer.from(rows.map((r) => JSON.stringify(r)).join(','));

describe('recent readings window (the publisher live lane)', () => {
  it('serves slices of the appends across chunks, skipping acknowledged holes, up to the limit', () => {
    const w = new RecentReadings(1);
    add(w, 1, 4);
    add(w, 5, 3);
    expect(w.remove(3, 5)).toBe(3); // an ack spanning two appends
    const rows = w.peek(0, 10, Number.MAX_SAFE_INTEGER);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 6, 7]);
    expect(rows[0]).toEqual({ seq: 1, device: 'dev-1', ts: 1001, quality: 'good', values: { v: 1 / 3 } });
    expect(w.peekJson(0, 10, Number.MAX_SAFE_INTEGER)).toEqual({
      first: 1,
      last: 7,
      count: 4,
      json: asJson(rows),
    });
    expect(w.peekJson(1, 2, Number.MAX_SAFE_INTEGER)).toEqual({
      first: 2,
      last: 6,
      count: 2,
      json: asJson(rows.slice(1, 3)),
    });
    expect(w.peekJson(0, 10, 2)?.count).toBe(2);
    expect(w.peekJson(7, 10, Number.MAX_SAFE_INTEGER)).toBeUndefined();
  });

  it('moves first to the lowest reading still held, and to the next seq once all are acked', () => {
    const w = new RecentReadings(1);
    add(w, 1, 3);
    expect(w.first).toBe(1);
    expect(w.remove(2, 2)).toBe(1);
    expect(w.first).toBe(1); // a hole in the middle leaves first alone
    expect(w.remove(1, 1)).toBe(1);
    expect(w.first).toBe(3);
    expect(w.remove(1, 3)).toBe(1); // only what it still held counts
    expect(w.first).toBe(4);
    add(w, 4, 2);
    expect(w.peek(3, 10, Number.MAX_SAFE_INTEGER).map((r) => r.seq)).toEqual([4, 5]);
  });

  it('drops whole appends beyond its capacity, and starts over on a gap in the numbering', () => {
    const w = new RecentReadings(1, 5);
    add(w, 1, 3);
    add(w, 4, 3); // 6 > 5: the first append leaves (it is still in SQLite)
    expect(w.first).toBe(4);
    add(w, 10, 2); // not contiguous: the window restarts at 10
    expect(w.first).toBe(10);
    expect(w.peek(0, 10, Number.MAX_SAFE_INTEGER).map((r) => r.seq)).toEqual([10, 11]);
  });
});
