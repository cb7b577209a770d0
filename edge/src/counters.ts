import { counterModulus, type RegisterDef } from '../../protocols/src/index.js';
import type { CounterRow } from './outbox.js';

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
const tidy = (x: number) => Number.parseFloat(x.toPrecision(12));

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
 * Every counter's state, in memory, loaded from the outbox at start; changed states are handed to
 * the next outbox append (takeDirty) so they are stored in the transaction of their readings.
 */
export class CounterBook {
  private readonly states = new Map<string, CounterState>();
  private dirty = new Map<string, CounterRow>();

  constructor(rows: readonly CounterRow[] = []) {
    for (const r of rows) this.states.set(key(r.device, r.field), { last: r.last, offset: r.offset });
  }

  update(
    device: string,
    field: string,
    value: number,
    range: CounterRange | undefined,
  ): { total: number; event: CounterEvent } {
    const k = key(device, field);
    const before = this.states.get(k);
    const { state, total, event } = advanceCounter(before, value, range);
    if (!before || before.last !== state.last || before.offset !== state.offset) {
      this.states.set(k, state);
      this.dirty.set(k, { device, field, last: state.last, offset: state.offset });
    }
    return { total, event };
  }

  get(device: string, field: string): CounterState | undefined {
    return this.states.get(key(device, field));
  }

  /** Changed states since the last call, for the outbox append that stores their readings. */
  takeDirty(): CounterRow[] {
    if (this.dirty.size === 0) return [];
    const rows = [...this.dirty.values()];
    this.dirty = new Map();
    return rows;
  }
}
