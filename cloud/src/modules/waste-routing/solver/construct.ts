/**
 * Clarke & Wright (1964) parallel savings with 2-opt route improvement: the classic construction
 * heuristic, kept as a baseline for the benchmark (it shows what a simple method achieves) and as a
 * fallback. It ignores the fleet size: the route count is whatever the merges give.
 */
import type { CvrpInstance } from './instance.js';

export function clarkeWright(inst: CvrpInstance): number[][] {
  const n = inst.n;
  const N = n + 1;
  const d = inst.dist;
  const Q = inst.capacity;
  const maxD = inst.maxRouteDistance ?? Number.POSITIVE_INFINITY;
  // Each customer starts on its own route; a route is a deque stored as an array.
  const routeOf = new Int32Array(N);
  const routes: (number[] | null)[] = [null];
  const load: number[] = [0];
  const len: number[] = [0];
  for (let c = 1; c <= n; c++) {
    routeOf[c] = c;
    routes.push([c]);
    load.push(inst.demand[c]!);
    len.push(d[c]! + d[c * N]!);
  }
  const pairs: { i: number; j: number; s: number }[] = [];
  for (let i = 1; i <= n; i++) {
    for (let j = i + 1; j <= n; j++) {
      const s = d[i]! + d[j]! - d[i * N + j]!;
      if (s > 0) pairs.push({ i, j, s });
    }
  }
  pairs.sort((a, b) => b.s - a.s || a.i - b.i || a.j - b.j);
  for (const { i, j, s } of pairs) {
    const ri = routeOf[i]!;
    const rj = routeOf[j]!;
    if (ri === rj) continue;
    const A = routes[ri]!;
    const B = routes[rj]!;
    if (load[ri]! + load[rj]! > Q + 1e-9) continue;
    if (len[ri]! + len[rj]! - s > maxD + 1e-9) continue;
    // i and j must be route ends; orient A to end with i and B to start with j.
    const iEnd = A[A.length - 1] === i;
    const iStart = A[0] === i;
    const jStart = B[0] === j;
    const jEnd = B[B.length - 1] === j;
    if (!(iEnd || iStart) || !(jStart || jEnd)) continue;
    if (!iEnd) A.reverse();
    if (!jStart) B.reverse();
    for (const c of B) {
      A.push(c);
      routeOf[c] = ri;
    }
    load[ri] = load[ri]! + load[rj]!;
    len[ri] = len[ri]! + len[rj]! - s;
    routes[rj] = null;
  }
  return twoOptRoutes(
    inst,
    routes.filter((r): r is number[] => r !== null),
  );
}

/** First-improvement 2-opt on each route independently (symmetric distances). */
export function twoOptRoutes(inst: CvrpInstance, routes: number[][]): number[][] {
  const N = inst.n + 1;
  const d = inst.dist;
  return routes.map((route) => {
    const t = [0, ...route, 0];
    let improved = true;
    while (improved) {
      improved = false;
      for (let i = 0; i < t.length - 3; i++) {
        for (let j = i + 2; j < t.length - 1; j++) {
          const a = t[i]!;
          const b = t[i + 1]!;
          const c = t[j]!;
          const e = t[j + 1]!;
          const delta = d[a * N + c]! + d[b * N + e]! - d[a * N + b]! - d[c * N + e]!;
          if (delta < -1e-9) {
            for (let x = i + 1, y = j; x < y; x++, y--) {
              const tmp = t[x]!;
              t[x] = t[y]!;
              t[y] = tmp;
            }
            improved = true;
          }
        }
      }
    }
    return t.slice(1, -1);
  });
}
