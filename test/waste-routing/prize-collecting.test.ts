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
