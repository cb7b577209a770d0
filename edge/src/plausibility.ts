import type { DeviceProfile, FieldValue } from '../../protocols/src/index.js';

interface Bound {
  name: string;
  min: number;
  max: number;
}

/**
 * Drops values a device could not really have measured: not finite (a NaN float, as a stuck or
 * uninitialised register reads), or outside the profile's plausible range (0xFFFF "no data" words,
 * a battery at 6553.5 %). A dropped value is absent from the reading, never stored as if true.
 */
export class RangeGuard {
  private readonly bounds: Bound[];

  constructor(profile: DeviceProfile) {
    this.bounds = profile.registers
      .filter((r) => r.type !== 'bool' && r.type !== 'string')
      .map((r) => ({
        name: r.name,
        min: r.min ?? Number.NEGATIVE_INFINITY,
        max: r.max ?? Number.POSITIVE_INFINITY,
      }));
  }

  /** Removes implausible numbers from `values`; returns the names removed (empty: all plausible). */
  check(values: Record<string, FieldValue>): string[] {
    let dropped: string[] | undefined;
    for (const b of this.bounds) {
      const v = values[b.name];
      if (typeof v !== 'number') continue;
      if (!Number.isFinite(v) || v < b.min || v > b.max) {
        delete values[b.name];
        dropped ??= [];
        dropped.push(b.name);
      }
    }
    return dropped ?? NO_NAMES;
  }
}

const NO_NAMES: string[] = [];
