import type { Reading } from '../../protocols/src/index.js';

/** Readings as JSON for a telemetry batch: `json` is the rows, comma-separated, seq first..last. */
export interface JsonRows {
  first: number;
  last: number;
  count: number;
  json: string;
}

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
  return `{"seq":${seq},"device":${JSON.stringify(device)},"ts":${JSON.stringify(ts)},"quality":${QUALITY_JSON[quality] ?? JSON.stringify(quality)},"values":${valuesJson}}`;
}

/**
 * The newest readings appended to the outbox, in memory, by sequence number. The live lane of the
 * publisher reads what was appended a moment ago; serving it from here instead of reading SQLite
 * back (and parsing JSON again) is most of what a reading costs otherwise. It covers a contiguous
 * run of sequence numbers [first, last]; anything older is read from SQLite.
 */
export class RecentReadings {
  private rows: Array<Reading | undefined> = [];
  /** Each row as it goes out in a telemetry batch (readingJson), built once when it was stored. */
  private jsons: Array<string | undefined> = [];
  /** Sequence number of rows[0]. */
  private base: number;
  private head = 0;

  constructor(
    nextSeq: number,
    private readonly capacity = 20_000,
  ) {
    this.base = nextSeq;
  }

  /** Lowest sequence number this window can answer for; a peek from below it needs SQLite. */
  get first(): number {
    return this.base + this.head;
  }

  add(reading: Reading, json: string): void {
    if (reading.seq !== this.base + this.rows.length) this.reset(reading.seq); // not contiguous: start over
    this.rows.push(reading);
    this.jsons.push(json);
    if (this.rows.length - this.head > this.capacity) {
      this.rows[this.head] = undefined;
      this.jsons[this.head++] = undefined;
      this.skipGaps();
    }
    this.compact();
  }

  /** Rows with afterSeq < seq <= upToSeq still held, oldest first (call only when afterSeq + 1 >= first). */
  peek(afterSeq: number, limit: number, upToSeq: number): Reading[] {
    const out: Reading[] = [];
    const end = Math.min(this.rows.length, upToSeq - this.base + 1);
    for (let i = Math.max(this.head, afterSeq + 1 - this.base); i < end && out.length < limit; i++) {
      const r = this.rows[i];
      if (r) out.push(r);
    }
    return out;
  }

  /** Like peek, as the JSON of the rows (comma-separated) with the first and last seq and the count. */
  peekJson(afterSeq: number, limit: number, upToSeq: number): JsonRows | undefined {
    const parts: string[] = [];
    let first = 0;
    let last = 0;
    const end = Math.min(this.rows.length, upToSeq - this.base + 1);
    for (let i = Math.max(this.head, afterSeq + 1 - this.base); i < end && parts.length < limit; i++) {
      const json = this.jsons[i];
      if (json === undefined) continue;
      if (parts.length === 0) first = this.base + i;
      last = this.base + i;
      parts.push(json);
    }
    return parts.length ? { first, last, count: parts.length, json: parts.join(',') } : undefined;
  }

  /** Forgets acknowledged rows from..to; returns how many of them it held. */
  remove(from: number, to: number): number {
    let n = 0;
    const end = Math.min(this.rows.length, to - this.base + 1);
    for (let i = Math.max(this.head, from - this.base); i < end; i++) {
      if (this.rows[i]) {
        this.rows[i] = undefined;
        this.jsons[i] = undefined;
        n++;
      }
    }
    this.skipGaps();
    return n;
  }

  /** Empties the window; the next sequence number expected is nextSeq. */
  reset(nextSeq: number): void {
    this.rows = [];
    this.jsons = [];
    this.base = nextSeq;
    this.head = 0;
  }

  private skipGaps(): void {
    while (this.head < this.rows.length && this.rows[this.head] === undefined) this.head++;
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.rows.length) {
      this.rows = this.rows.slice(this.head);
      this.jsons = this.jsons.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }
}
