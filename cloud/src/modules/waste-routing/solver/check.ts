/**
 * Independent feasibility checker. It shares no code with the search (only routesCost), so a bug
 * in the solver's incremental bookkeeping cannot hide itself: benchmarks and tests trust this.
 */
import { type CvrpInstance, isOptional, routesCost, skippedCost } from './instance.js';

export interface CheckResult {
  feasible: boolean;
  /** Human-readable reasons, empty when feasible. */
  errors: string[];
  /** Recomputed total distance. */
  cost: number;
  /** Number of non-empty routes. */
  routeCount: number;
  /** Optional customers left out, and what that costs (skip penalties). */
  skipped: number[];
  skippedCost: number;
}

const EPS = 1e-9;

export function checkSolution(inst: CvrpInstance, routes: readonly (readonly number[])[]): CheckResult {
  const errors: string[] = [];
  const seen = new Uint8Array(inst.n + 1);
  let routeCount = 0;
  routes.forEach((route, r) => {
    if (route.length === 0) return;
    routeCount++;
    let load = 0;
    for (const c of route) {
      if (!Number.isInteger(c) || c < 1 || c > inst.n) {
        errors.push(`route ${r}: invalid customer ${c}`);
        continue;
      }
      if (seen[c]) errors.push(`customer ${c} visited more than once`);
      seen[c] = 1;
      load += inst.demand[c]!;
    }
    if (load > inst.capacity + EPS) errors.push(`route ${r}: load ${load} exceeds capacity ${inst.capacity}`);
    if (inst.maxRouteDistance !== undefined) {
      const len = routesCost(inst, [route]);
      if (len > inst.maxRouteDistance + EPS) {
        errors.push(`route ${r}: length ${len} exceeds max ${inst.maxRouteDistance}`);
      }
    }
  });
  const skipped: number[] = [];
  for (let c = 1; c <= inst.n; c++) {
    if (seen[c]) continue;
    if (isOptional(inst, c)) skipped.push(c);
    else errors.push(`customer ${c} not visited`);
  }
  const fleet = inst.fleet;
  if (fleet.kind === 'exact' && routeCount !== fleet.count) {
    errors.push(`uses ${routeCount} routes, exactly ${fleet.count} required`);
  } else if (fleet.kind === 'max' && routeCount > fleet.count) {
    errors.push(`uses ${routeCount} routes, at most ${fleet.count} allowed`);
  }
  return {
    feasible: errors.length === 0,
    errors,
    cost: routesCost(inst, routes),
    routeCount,
    skipped,
    skippedCost: skippedCost(inst, routes),
  };
}
