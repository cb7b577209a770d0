import type { Reading } from '../../protocols/src/index.js';

/** Readings as JSON for a telemetry batch: `json` is the rows' UTF-8 text, comma-separated, seq first..last. */
export interface JsonRows {
  first: number;
  last: number;
  count: number;
  json: Buffer;
}

const COMMA = Buffer.from(',');

const QUALITY_JSON: Record<string, string> = { good: '"good"', stale: '"stale"', comm_fail: '"comm_fail"' };

/**
 * One reading as JSON.stringify gives it ({seq, device, ts, quality, values}, in that order), from
 * its values already serialised for the outbox, so a reading is serialised once, not twice.
 */
export function readingJson(
  seq: number,
  device: string,
  ts: number,
  quality: string,
  valuesJson: string,
): string {
  return `{"seq":${seq},"device":${deviceJson(device)},"ts":${Number.isFinite(ts) ? ts : 'null'},"quality":${QUALITY_JSON[quality] ?? JSON.stringify(quality)},"values":${valuesJson}}`;
}

/** JSON.stringify(device), kept per device id: a gateway has a fixed set of them, and each is serialised a thousand times an hour or more. */
const DEVICE_JSON = new Map<string, string>();
function deviceJson(device: string): string {
  let json = DEVICE_JSON.get(device);
  if (json === undefined) {
    json = JSON.stringify(device);
    // Bounded: ids come from the config, but a config may be replaced many times over months.
    if (DEVICE_JSON.size >= 10_000) DEVICE_JSON.clear();
    DEVICE_JSON.set(device, json);
  }
  return json;
}

/** One append as stored in the outbox: its body and where each reading sits in it. */
interface HeldChunk {
  /** Sequence number of its first reading. */
  first: number;
  /** The chunk's JSON array, '[r0,r1,...]', as written to SQLite, in UTF-8. */
  body: Buffer;
  /** starts[i]: the byte where reading i begins in body; starts[n] = body.length (reading i ends at starts[i + 1] - 1). */
  starts: Uint32Array;
  /** 1 while reading i is held (not yet acknowledged). */
  held: Uint8Array;
  heldCount: number;
  /** No reading before this index is held (where the scan for the lowest held one resumes). */
  cursor: number;
}

/**
 * The newest readings appended to the outbox, in memory, by sequence number. The live lane of the
 * publisher reads what was appended a moment ago; serving it from here instead of reading SQLite
 * back (and parsing JSON again) is most of what a reading costs otherwise. It covers a contiguous
 * run of sequence numbers [first, last]; anything older is read from SQLite.
 *
 * It keeps each append's body as bytes outside the JS heap (a Buffer) with the readings' offsets
 * in it, not an object and a string per reading: readings stay here a second or two (linger,
 * publish, ack), long enough for every young-generation GC meanwhile to copy them, and once V8
 * shrinks the young generation of an agent that has run a minute (its memory reducer), that is a
 * GC a second. A telemetry batch is views of those bytes, sent as they are.
 */
export class RecentReadings {
  private chunks: HeldChunk[] = [];
  /** The lowest sequence number held, or `next` when none is. */
  private lowest: number;
  /** The sequence number the next append must start with to extend the window. */
  private next: number;

  constructor(
    nextSeq: number,
    private readonly capacity = 20_000,
  ) {
    this.lowest = nextSeq;
    this.next = nextSeq;
  }

  /** Lowest sequence number this window can answer for; a peek from below it needs SQLite. */
  get first(): number {
    return this.lowest;
  }

  /**
   * Holds one append: readings first.. in `text` (a JSON array), reading i at starts[i] up to
   * starts[i + 1] - 1 (the comma or the closing bracket), in UTF-16 units. Whole appends leave
   * when over capacity.
   */
  addChunk(first: number, text: string, starts: Uint32Array): void {
    if (first !== this.next) this.reset(first); // not contiguous: start over
    const n = starts.length - 1;
    if (n <= 0) return;
    const body = Buffer.from(text, 'utf8');
    // ASCII text (the usual: ids and numbers) has a byte per unit; otherwise count each reading's bytes.
    const byteStarts = body.length === text.length ? starts : utf8Offsets(text, starts);
    this.chunks.push({
      first,
      body,
      starts: byteStarts,
      held: new Uint8Array(n).fill(1),
      heldCount: n,
      cursor: 0,
    });
    this.next = first + n;
    while (this.chunks.length > 1 && this.next - this.chunks[0]!.first > this.capacity) this.chunks.shift();
    this.skipGaps();
  }

  /** Rows with afterSeq < seq <= upToSeq still held, oldest first (call only when afterSeq + 1 >= first). */
  peek(afterSeq: number, limit: number, upToSeq: number): Reading[] {
    const out: Reading[] = [];
    this.scan(afterSeq, limit, upToSeq, (c, from, to) => {
      for (let i = from; i <= to; i++)
        out.push(JSON.parse(c.body.toString('utf8', c.starts[i]!, c.starts[i + 1]! - 1)) as Reading);
    });
    return out;
  }

  /** Like peek, as the JSON of the rows (comma-separated) with the first and last seq and the count. */
  peekJson(afterSeq: number, limit: number, upToSeq: number): JsonRows | undefined {
    const parts: Buffer[] = [];
    let first = 0;
    let last = 0;
    const count = this.scan(afterSeq, limit, upToSeq, (c, from, to) => {
      if (parts.length === 0) first = c.first + from;
      else parts.push(COMMA);
      last = c.first + to;
      parts.push(c.body.subarray(c.starts[from]!, c.starts[to + 1]! - 1));
    });
    if (!count) return undefined;
    // One run is a view of the stored bytes (no copy); several are joined.
    return { first, last, count, json: parts.length === 1 ? parts[0]! : Buffer.concat(parts) };
  }

  /**
   * Calls run(chunk, from, to) for each run of held readings with afterSeq < seq <= upToSeq,
   * oldest first, up to `limit` readings in all; returns how many.
   */
  private scan(
    afterSeq: number,
    limit: number,
    upToSeq: number,
    run: (c: HeldChunk, from: number, to: number) => void,
  ): number {
    let count = 0;
    for (const c of this.chunks) {
      const n = c.held.length;
      if (c.first + n - 1 <= afterSeq) continue;
      if (c.first > upToSeq || count >= limit) break;
      const end = Math.min(n, upToSeq - c.first + 1);
      let i = Math.max(c.cursor, afterSeq + 1 - c.first);
      while (i < end && count < limit) {
        if (!c.held[i]) {
          i++;
          continue;
        }
        const from = i;
        while (i < end && c.held[i] && count < limit) {
          i++;
          count++;
        }
        run(c, from, i - 1);
      }
    }
    return count;
  }

  /** Forgets acknowledged rows from..to; returns how many of them it held. */
  remove(from: number, to: number): number {
    let n = 0;
    for (const c of this.chunks) {
      const size = c.held.length;
      if (c.first + size - 1 < from) continue;
      if (c.first > to) break;
      const end = Math.min(size, to - c.first + 1);
      for (let i = Math.max(0, from - c.first); i < end; i++) {
        if (c.held[i]) {
          c.held[i] = 0;
          c.heldCount--;
          n++;
        }
      }
    }
    this.skipGaps();
    return n;
  }

  /** Empties the window; the next sequence number expected is nextSeq. */
  reset(nextSeq: number): void {
    this.chunks = [];
    this.lowest = nextSeq;
    this.next = nextSeq;
  }

  /** Drops appends with nothing held left, and moves `first` to the lowest reading still held. */
  private skipGaps(): void {
    while (this.chunks.length > 0 && this.chunks[0]!.heldCount === 0) this.chunks.shift();
    const c = this.chunks[0];
    if (!c) {
      this.lowest = this.next;
      return;
    }
    while (!c.held[c.cursor]) c.cursor++;
    this.lowest = c.first + c.cursor;
  }
}

/** `starts` (UTF-16 offsets into text) as UTF-8 byte offsets. */
function utf8Offsets(text: string, starts: Uint32Array): Uint32Array {
  const bytes = new Uint32Array(starts.length);
  bytes[0] = Buffer.byteLength(text.slice(0, starts[0]!));
  for (let i = 1; i < starts.length; i++)
    bytes[i] = bytes[i - 1]! + Buffer.byteLength(text.slice(starts[i - 1]!, starts[i]!));
  return bytes;
}
