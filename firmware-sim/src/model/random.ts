/**
 * Seeded randomness for the community model. Nothing here uses Math.random: a run is a pure
 * function of its seed, so a scenario that found a detector bug can be replayed exactly.
 */

/** 32-bit FNV-1a over the parts: derives independent streams (per household, per day) from one seed. */
export function hashSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = `${part}|`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}

/** mulberry32: tiny, fast, and good enough for simulation (not for cryptography). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  static of(...parts: Array<string | number>): Rng {
    return new Rng(hashSeed(...parts));
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }
  int(min: number, maxInclusive: number): number {
    return Math.floor(this.uniform(min, maxInclusive + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Normal via Box-Muller (one value per call; simplicity over speed). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** Knuth's method: fine for the small means used here (night-time bathroom visits, outings). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** Deterministic value in [-1, 1] for an integer lattice point of a named stream. */
function lattice(seed: number, k: number): number {
  return (hashSeed(seed, k) / 4294967295) * 2 - 1;
}

/**
 * Smooth noise in [-1, 1] as a function of time: values at lattice points every `periodMs`,
 * smoothstep-interpolated between them. A function of t (not a random walk) so a device read
 * at any cadence, or stepped lazily after hours of silence, shows the same signal.
 */
export function valueNoise(seed: number, t: number, periodMs: number): number {
  const x = t / periodMs;
  const k = Math.floor(x);
  const f = x - k;
  const s = f * f * (3 - 2 * f);
  return lattice(seed, k) * (1 - s) + lattice(seed, k + 1) * s;
}

export function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}
