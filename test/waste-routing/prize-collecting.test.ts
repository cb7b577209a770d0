import { describe, expect, it } from 'vitest';
import {
  checkSolution,
  createInstance,
  euc2dMatrix,
  solve,
} from '../../cloud/src/modules/waste-routing/solver/index.js';

/** Depot at 0,0; customers on a line east of it, plus one far off to the north. */
function lineInstance(skipFar: number) {
  const coords = Float64Array.from([0, 0, 10, 0, 20, 0, 30, 0, 40, 0, 20, 100]);
  return createInstance({
    distance: euc2dMatrix(coords, false),
    demand: [0, 1, 1, 1, 1, 1],
    capacity: 10,
    skipPenalty: [0, Infinity, Infinity, 15, Infinity, skipFar],
  });
}

describe('prize-collecting (optional customers)', () => {
  it('leaves out an optional customer whose detour costs more than skipping it', () => {
    const inst = lineInstance(50); // detour to (20,100) costs ~ 2*100 - 0 >> 50
    const res = solve(inst, { maxIterations: 2000, seed: 3 });
    expect(res.skipped).toEqual([5]);
    expect(res.cost).toBeCloseTo(80, 6); // out along the line and back
    expect(res.objective).toBeCloseTo(130, 6);
    const chk = checkSolution(inst, res.routes);
    expect(chk.feasible).toBe(true);
    expect(chk.skipped).toEqual([5]);
  });

  it('serves an optional customer on the way (zero detour) and one whose prize beats its detour', () => {
    const inst = lineInstance(1000);
    const res = solve(inst, { maxIterations: 2000, seed: 3 });
    expect(res.skipped).toEqual([]);
    expect(res.routes.flat().sort()).toEqual([1, 2, 3, 4, 5]);
    expect(checkSolution(inst, res.routes).feasible).toBe(true);
  });

  it('checkSolution reports a missing mandatory customer but accepts a missing optional one', () => {
    const inst = lineInstance(50);
    expect(checkSolution(inst, [[1, 2, 4]]).errors).toEqual([]);
    expect(checkSolution(inst, [[1, 3, 4]]).errors).toEqual(['customer 2 not visited']);
  });

  it('is deterministic for a seed', () => {
    const coords = new Float64Array(2 * 41);
    let s = 7;
    const rnd = () => {
      s = (s * 16807) % 2147483647;
      return (s / 2147483647) * 100;
    };
    for (let i = 0; i < coords.length; i++) coords[i] = rnd();
    const skip = [0, ...Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 8 : Infinity))];
    const inst = createInstance({
      distance: euc2dMatrix(coords, false),
      demand: [0, ...Array(40).fill(1)],
      capacity: 8,
      skipPenalty: skip,
    });
    const a = solve(inst, { maxIterations: 3000, seed: 11 });
    const b = solve(inst, { maxIterations: 3000, seed: 11 });
    expect(a.routes).toEqual(b.routes);
    expect(checkSolution(inst, a.routes).feasible).toBe(true);
    // Every mandatory customer served; skipped ones are optional.
    for (const c of a.skipped) expect(skip[c]).toBe(8);
    expect(a.skipped.length).toBeGreaterThan(0);
  });
});

describe('prize-collecting with a small fixed fleet', () => {
  /** n random customers in a 100 x 100 square, every other one (by a seeded draw) optional. */
  function smallFleetInstance(seed: number, count: number) {
    let s = seed * 7919;
    const rnd = () => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647;
    };
    const n = 12;
    const coords = new Float64Array(2 * (n + 1));
    for (let i = 2; i < coords.length; i++) coords[i] = rnd() * 100;
    const skip = [0, ...Array.from({ length: n }, () => (rnd() < 0.5 ? 5 + rnd() * 50 : Infinity))];
    return createInstance({
      distance: euc2dMatrix(coords, false),
      demand: [0, ...Array(n).fill(1)],
      capacity: 12, // every customer fits in one truck: a feasible plan always exists
      fleet: { kind: 'max', count },
      skipPenalty: skip,
    });
  }

  it('never runs out of routes for a mandatory customer when blinks skip every position', () => {
    // A route emptied by the ruin offers one position; a blink on it used to leave no position and
    // no route to open ("no route available for insertion"): 8 of these 40 runs threw.
    for (let seed = 1; seed <= 20; seed++) {
      for (const count of [1, 2]) {
        const inst = smallFleetInstance(seed, count);
        const res = solve(inst, { maxIterations: 3000, seed });
        const chk = checkSolution(inst, res.routes);
        expect(chk.errors).toEqual([]);
        expect(res.feasible).toBe(true);
        expect(res.routes.length).toBeLessThanOrEqual(count);
        for (const c of res.skipped) expect(inst.skip![c]).toBeLessThan(Infinity);
      }
    }
  });

  it('does not leave out an optional customer just because every position blinked', () => {
    // Depot, then customers on a line; the optional one (5) lies on the way with a large prize,
    // so serving it is always right. A blink-only skip would show up over many seeds.
    const coords = Float64Array.from([0, 0, 10, 0, 20, 0, 30, 0, 40, 0, 25, 0]);
    const inst = createInstance({
      distance: euc2dMatrix(coords, false),
      demand: [0, 1, 1, 1, 1, 1],
      capacity: 10,
      fleet: { kind: 'max', count: 1 },
      skipPenalty: [0, Infinity, Infinity, Infinity, Infinity, 1000],
    });
    for (let seed = 1; seed <= 30; seed++) {
      const res = solve(inst, { maxIterations: 500, seed, params: { blinkRate: 0.5 } });
      expect(res.skipped).toEqual([]);
      expect(res.cost).toBeCloseTo(80, 6);
    }
  });
});
