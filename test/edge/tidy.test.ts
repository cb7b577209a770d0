import { describe, expect, it } from 'vitest';
import { tidy12 } from '../../edge/src/tidy.js';

/** The string version the codec uses; tidy12 must give exactly the same number (Object.is). */
const reference = (x: number) => (Number.isFinite(x) ? Number.parseFloat(x.toPrecision(12)) : x);

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be reproduced. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mismatches(values: Iterable<number>): Array<[number, number, number]> {
  const bad: Array<[number, number, number]> = [];
  for (const x of values) {
    const got = tidy12(x);
    const want = reference(x);
    if (!Object.is(got, want) && bad.length < 5) bad.push([x, got, want]);
  }
  return bad;
}

describe('tidy12: parseFloat(x.toPrecision(12)) without the string', () => {
  it('agrees on edge cases: zeros, integers around 1e12, halves, tiny and huge values, non-finite', () => {
    const cases = [
      0,
      -0,
      1,
      -1,
      1e12,
      1e12 - 1,
      -(1e12 - 1),
      999_999_999_999.5,
      123_456_789_012.5,
      0.5,
      1e-10,
      1e-11,
      0.1 + 0.2,
      2.675,
      1.0000000000005,
      9.9999999999995,
      12.5 * 0.1,
      4_294_967_295 * 0.001,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ];
    expect(mismatches(cases)).toEqual([]);
  });

  it('agrees on every kind of value a register decodes to: float32, scaled integers, counter sums', () => {
    const rnd = random(42);
    const f32 = new Float32Array(1);
    const bits = new Uint32Array(f32.buffer);
    const values: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      bits[0] = Math.floor(rnd() * 2 ** 32);
      values.push(f32[0]!);
      values.push(Math.fround((rnd() - 0.5) * 200));
      const raw = Math.floor(rnd() * 2 ** 32) - 2 ** 31;
      for (const scale of [0.1, 0.01, 0.001, 0.5, 3.3]) values.push(raw * scale + (i % 3 === 0 ? 0.1 : 0));
      values.push(rnd() * 10 ** (rnd() * 30 - 15));
      values.push(Math.floor(rnd() * 1e13) / 1e3 + 65_536 * 0.1);
    }
    expect(mismatches(values)).toEqual([]);
  });
});
