import { counterModulus, type RegisterDef } from '../../protocols/src/index.js';
import type { CounterRow } from './outbox.js';
import { tidy12 } from './tidy.js';

/**
 * Continuity of `counter` registers (water litres, kWh, door openings) across wrap-around and meter
 * replacement. Per device and field we keep the last raw value and an offset; the published value
 * is raw + offset, a total that never goes backwards:
 * - a drop from the top tenth of the register's range into the bottom tenth is a wrap: the offset
 *   grows by the range (the consumption across the wrap is counted exactly);
 * - any other drop is a reset or a replaced meter: the total continues from the last total. We
 *   cannot know what the new meter counted before its first poll, and inventing consumption
 *   (a spike on a bill, a false leak alarm) is worse than missing a few litres.
 * The state is stored with the readings it produced (Outbox.append), so a restart continues it.
 */
export interface CounterState {
  last: number;
  offset: number;
}

export type CounterEvent = 'first' | 'continue' | 'wrap' | 'reset';

/** Where a counter register's values live: [lowest, lowest + modulus) in engineering units. */
export interface CounterRange {
  lowest: number;
  modulus: number;
}

const TYPE_MIN: Partial<Record<RegisterDef['type'], number>> = {
  uint16: 0,
  uint32: 0,
  int16: -0x8000,
  int32: -0x80000000,
};

/** The range an integer counter register wraps in; undefined for floats (they do not wrap). */
export function counterRange(def: RegisterDef): CounterRange | undefined {
  const modulus = counterModulus(def);
  const min = TYPE_MIN[def.type];
  const scale = def.scale ?? 1;
  if (modulus === undefined || min === undefined || scale <= 0) return undefined;
  return { lowest: min * scale + (def.offset ?? 0), modulus };
}

/** Rounds away binary noise of adding scaled values (as the codec does). */
const tidy = tidy12;

export function advanceCounter(
  state: CounterState | undefined,
  value: number,
  range: CounterRange | undefined,
): { state: CounterState; total: number; event: CounterEvent } {
  if (!state) return { state: { last: value, offset: 0 }, total: value, event: 'first' };
  let offset = state.offset;
  let event: CounterEvent = 'continue';
  if (value < state.last) {
    const wrapped =
      range !== undefined &&
      state.last - range.lowest >= 0.9 * range.modulus &&
      value - range.lowest < 0.1 * range.modulus;
    if (wrapped) {
      offset = tidy(offset + range.modulus);
      event = 'wrap';
    } else {
      offset = tidy(offset + state.last - value);
      event = 'reset';
    }
  }
  return { state: { last: value, offset }, total: tidy(value + offset), event };
}

const key = (device: string, field: string) => `${device}\u0000${field}`;

/**
 * One counter's continuity (one field of one device), held by its poller so a reading costs no
 * key building, lookup or allocation. Same rules as advanceCounter.
 */
export class CounterSlot {
  /** What the last advance() was. */
  event: CounterEvent = 'first';
  /** Waiting in the book's dirty list for the next outbox append. */
  dirty = false;

  constructor(
    readonly device: string,
    readonly field: string,
    private state: CounterState | undefined,
    private readonly book: CounterBook,
  ) {}

  get current(): CounterState | undefined {
    return this.state;
  }

  /** The continuous total for a raw value; `event` tells whether it wrapped or was reset. */
  advance(value: number, range: CounterRange | undefined): number {
    const s = this.state;
    if (!s) {
      this.state = { last: value, offset: 0 };
      this.event = 'first';
      this.book.markDirty(this);
      return value;
    }
    if (value >= s.last) {
      this.event = 'continue';
      if (value !== s.last) {
        s.last = value;
        this.book.markDirty(this);
      }
      return tidy(value + s.offset);
    }
    const next = advanceCounter(s, value, range);
    this.state = next.state;
    this.event = next.event;
    this.book.markDirty(this);
    return next.total;
  }
}

/**
 * Every counter's state, in memory, loaded from the outbox at start; changed states are handed to
 * the next outbox append (takeDirty) so they are stored in the transaction of their readings.
 */
export class CounterBook {
  private readonly slots = new Map<string, CounterSlot>();
  private dirty: CounterSlot[] = [];

  constructor(rows: readonly CounterRow[] = []) {
    for (const r of rows)
      this.slots.set(
        key(r.device, r.field),
        new CounterSlot(r.device, r.field, { last: r.last, offset: r.offset }, this),
      );
  }

  /** The slot of one device's counter field (the same one every time). */
  slot(device: string, field: string): CounterSlot {
    const k = key(device, field);
    let slot = this.slots.get(k);
    if (!slot) {
      slot = new CounterSlot(device, field, undefined, this);
      this.slots.set(k, slot);
    }
    return slot;
  }

  update(
    device: string,
    field: string,
    value: number,
    range: CounterRange | undefined,
  ): { total: number; event: CounterEvent } {
    const slot = this.slot(device, field);
    const total = slot.advance(value, range);
    return { total, event: slot.event };
  }

  get(device: string, field: string): CounterState | undefined {
    const s = this.slots.get(key(device, field))?.current;
    return s && { last: s.last, offset: s.offset };
  }

  /** @internal called by a slot whose state changed. */
  markDirty(slot: CounterSlot): void {
    if (slot.dirty) return;
    slot.dirty = true;
    this.dirty.push(slot);
  }

  /** Changed states since the last call, for the outbox append that stores their readings. */
  takeDirty(): CounterRow[] {
    if (this.dirty.length === 0) return [];
    const rows = this.dirty.map((slot) => {
      slot.dirty = false;
      const s = slot.current!;
      return { device: slot.device, field: slot.field, last: s.last, offset: s.offset };
    });
    this.dirty = [];
    return rows;
  }
}
