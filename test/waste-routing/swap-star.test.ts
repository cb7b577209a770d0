import { describe, expect, it } from 'vitest';
import {
  type CvrpInstance,
  checkSolution,
  createInstance,
  euc2dMatrix,
  solve,
} from '../../cloud/src/modules/waste-routing/solver/index.js';
import { LocalSearch } from '../../cloud/src/modules/waste-routing/solver/local-search.js';
import { nearestCustomers } from '../../cloud/src/modules/waste-routing/solver/neighbors.js';
import { Rng } from '../../cloud/src/modules/waste-routing/solver/rng.js';
import { Penalty, Solution } from '../../cloud/src/modules/waste-routing/solver/solution.js';

/** n random customers in a 100 x 100 square around a central depot, demands 1-10. */
function randomInstance(seed: number, n: number, capacity: number, withCoords = true): CvrpInstance {
  const rng = new Rng(seed);
  const coords = new Float64Array(2 * (n + 1));
  coords[0] = 50;
  coords[1] = 50;
  for (let i = 1; i <= n; i++) {
    coords[2 * i] = rng.next() * 100;
    coords[2 * i + 1] = rng.next() * 100;
  }
  const demand = [0];
  for (let i = 1; i <= n; i++) demand.push(1 + rng.int(10));
  return createInstance({
    distance: euc2dMatrix(coords, false),
    demand,
    capacity,
    fleet: { kind: 'unlimited' },
    ...(withCoords ? { coords } : {}),
  });
}

/** Routes filled in a random customer order up to the capacity: a poor but feasible start. */
function randomRoutes(inst: CvrpInstance, seed: number): number[][] {
  const rng = new Rng(seed);
  const order = Array.from({ length: inst.n }, (_, i) => i + 1);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const routes: number[][] = [[]];
  let load = 0;
  for (const c of order) {
    if (load + inst.demand[c]! > inst.capacity) {
      routes.push([]);
      load = 0;
    }
    routes.at(-1)!.push(c);
    load += inst.demand[c]!;
  }
  return routes;
}

describe('SWAP* local search move', () => {
  it('improves local optima of the other moves and keeps the routes feasible', () => {
    let improved = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const inst = randomInstance(seed, 60, 40);
      const s = new Solution(inst, inst.n);
      s.setRoutes(randomRoutes(inst, seed));
      // Hard capacity, as the solver prices it with an unlimited fleet.
      const pen = new Penalty(inst.capacity, Number.POSITIVE_INFINITY, 1e6, 1e6);
      const ls = new LocalSearch(inst.n, nearestCustomers(inst, 20), 10, true);
      for (let c = 1; c <= inst.n; c++) ls.push(c);
      ls.run(s, pen, false); // relocate, swap, pairs, 2-opt, 2-opt* until none improves
      const plain = s.distance();
      const plainRoutes = s.toRoutes();
      s.clearDirty();
      // Every route is a candidate for the first SWAP* pass.
      for (let r = 0; r < s.nRoutes; r++) s.markDirty(r);
      ls.run(s, pen, true);
      const chk = checkSolution(inst, s.toRoutes());
      expect(chk.errors).toEqual([]);
      expect(chk.cost).toBeCloseTo(s.distance(), 6);
      expect(s.distance()).toBeLessThanOrEqual(plain + 1e-9);
      if (ls.swapStarMoves > 0) {
        improved++;
        expect(s.distance()).toBeLessThan(plain - 1e-9);
        expect(s.toRoutes()).not.toEqual(plainRoutes);
      }
    }
    // A local optimum of the other moves is usually not one of SWAP*.
    expect(improved).toBeGreaterThanOrEqual(5);
  });

  it('is off without coordinates (no sectors): the same routes as without it', () => {
    // The service builds its instances from a road matrix without coordinates.
    const inst = randomInstance(3, 50, 40, false);
    const a = solve(inst, { maxIterations: 2000, seed: 4, params: { swapStar: true } });
    const b = solve(inst, { maxIterations: 2000, seed: 4, params: { swapStar: false } });
    expect(a.routes).toEqual(b.routes);
  });

  it('changes the search when coordinates are given, feasibly and deterministically', () => {
    const inst = randomInstance(3, 80, 40);
    const params = { swapStar: true };
    const a = solve(inst, { maxIterations: 3000, seed: 4, params });
    const a2 = solve(inst, { maxIterations: 3000, seed: 4, params });
    const off = solve(inst, { maxIterations: 3000, seed: 4, params: { swapStar: false } });
    expect(checkSolution(inst, a.routes).errors).toEqual([]);
    expect(a2.routes).toEqual(a.routes);
    expect(JSON.stringify(off.routes)).not.toBe(JSON.stringify(a.routes));
  });
});
