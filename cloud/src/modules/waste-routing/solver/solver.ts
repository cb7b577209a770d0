/**
 * The search driver: SISR ruin-and-recreate + granular local search inside simulated annealing.
 *
 * Each iteration copies the current solution, ruins it (adjacent string removal), recreates it
 * (greedy insertion with blinks), repairs/improves the touched part with the granular local search,
 * and accepts the candidate with the SA rule cand < cur - T ln U. The temperature decreases
 * exponentially from T0 to Tf over the budget (wall-clock or iterations), so the search is broad
 * early and converges by the end of the time limit. Temperatures are scaled by the average edge
 * length of the first solution, so the same parameters fit instances whose distances are 10s or 1000s.
 */
import type { CvrpInstance } from './instance.js';
import { LocalSearch } from './local-search.js';
import { nearestCustomers } from './neighbors.js';
import { Rng } from './rng.js';
import { DEFAULT_RUIN, type RuinParams, RuinRecreate } from './ruin-recreate.js';
import { Penalty, Solution } from './solution.js';

export interface SolverParams extends RuinParams {
  /** Granular neighbourhood size of the local search. */
  granularK: number;
  /** Initial temperature, as a fraction of the average edge length. */
  startTemp: number;
  /** Final temperature, as a fraction of the average edge length. */
  endTemp: number;
  /**
   * Run the local search on a recreated candidate only when its cost is below
   * best * (1 + lsGap): LS on every candidate costs ~10x a SISR step and, measured, loses to
   * plain SISR with more iterations; polishing promising candidates keeps most of its benefit.
   * Negative disables the local search after the initial solution. 'auto': always with a fixed
   * fleet (measured: the penalised LS repairs tight capacity well), 0.002 with an unlimited fleet.
   */
  lsGap: number | 'auto';
  /** Soft capacity: wished fraction of feasible candidates (drives the penalty weight). */
  feasibleTarget: number;
  /**
   * Unlimited fleet: price capacity (and route length) excess with moderate weights adapted to
   * `feasibleTarget`, as with a fixed fleet, instead of prohibitive ones, so that ruin-and-recreate
   * may pass through overloaded routes; recreate then opens a new route only when its round trip
   * (+ routeWeight) is cheaper than the best penalised insertion. A fixed fleet is always soft.
   * 'auto': on for an unlimited fleet without optional customers whose routes are long (at least
   * `softMinRouteLength` customers per route at the capacity bound, n / ceil(total demand /
   * capacity)), off otherwise. Default false: 'auto' measured better on X's 5 long-route instances
   * (fewer runs ending in a poor basin) but only by ~0.025 on the X mean, within the seed spread,
   * and it would change the service's plans (trips of ~25 bins, no optional bin) unmeasured; see
   * the solver README. With soft capacity the 'auto' lsGap is -1 (LS measured worse there).
   */
  softCapacity: boolean | 'auto';
  /** See softCapacity 'auto'. */
  softMinRouteLength: number;
  /**
   * Unlimited fleet with soft capacity: price of a route, as a fraction of the average edge
   * length, added to the search objective per non-empty route and to the cost of opening one in
   * recreate (the result is still judged on distance alone).
   */
  routeWeight: number;
  /**
   * Probes: with an unlimited fleet, first run `probes` independent searches (different seeds,
   * fresh greedy starts) for `probeFrac` of the budget each, on the first part of the temperature
   * schedule, then continue the best one for the rest of the budget and of the schedule. Against
   * runs that settle early in a poor basin (e.g. one route too many on a tight instance).
   * 1 = a single search (the previous behaviour). Ignored with a warm start, a fixed fleet or
   * optional customers (the service's plans: not measured with probes). Default 3 x 0.15 of the
   * budget: on X (5 s CPU, seeds 1-10, paired runs) mean gap 0.243% vs 0.306% with 1; see README.
   */
  probes: number;
  /** Share of the budget given to each probe. */
  probeFrac: number;
  /**
   * SWAP* in the local search (see local-search.ts). Needs coordinates for the route sectors, so
   * it is inactive for instances without them (the service's road-matrix rounds). Off: on X (5 s
   * CPU, seeds 1-10, paired) mean gap 0.222% with it vs 0.217% without; see README.
   */
  swapStar: boolean;
  /** SWAP* only on candidates whose cost after the other moves is below best * (1 + this). */
  swapStarGap: number;
}

export const DEFAULT_PARAMS: SolverParams = {
  ...DEFAULT_RUIN,
  granularK: 10,
  startTemp: 0.3,
  endTemp: 0.03,
  feasibleTarget: 0.2,
  lsGap: 'auto',
  softCapacity: false,
  softMinRouteLength: 14,
  routeWeight: 0,
  probes: 3,
  probeFrac: 0.15,
  swapStar: false,
  swapStarGap: 0,
};

export interface SolveOptions {
  /** Time budget (default 10 s), measured by `clock`. */
  timeLimitMs?: number;
  /**
   * Milliseconds from an arbitrary origin that the time budget and the temperature schedule follow
   * (default performance.now: wall-clock). A benchmark on a shared machine can pass the process's
   * CPU time so that time stolen by other processes does not shorten the search.
   */
  clock?: () => number;
  /**
   * Iteration budget. When given, the temperature schedule follows iterations instead of time,
   * so a run is reproducible for a seed regardless of machine speed (unless the time limit hits).
   */
  maxIterations?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** Called when the best feasible objective (distance + skip penalties) improves. */
  onProgress?: (bestCost: number, elapsedMs: number, iteration: number) => void;
  /** Warm start, e.g. yesterday's plan (customers not listed are inserted greedily). */
  initialRoutes?: readonly (readonly number[])[];
  params?: Partial<SolverParams>;
}

export interface SolveResult {
  /** Routes as customer index lists (depot 0 implicit at both ends). */
  routes: number[][];
  /** Total distance of `routes`. */
  cost: number;
  /** Optional customers left out (prize-collecting); empty without optional customers. */
  skipped: number[];
  /** cost plus the skip penalties of `skipped`: what the search minimised. */
  objective: number;
  /** False when no solution satisfying every constraint was found in the budget. */
  feasible: boolean;
  iterations: number;
  /** Wall-clock duration of the call. */
  elapsedMs: number;
  /** Duration of the call measured by `clock` (equals elapsedMs with the default clock). */
  clockMs?: number;
}

export function solve(inst: CvrpInstance, opts: SolveOptions = {}): SolveResult {
  const P: SolverParams = { ...DEFAULT_PARAMS, ...opts.params };
  const K = Math.floor(P.probes);
  if (K <= 1 || opts.initialRoutes || inst.fleet.kind !== 'unlimited' || inst.skip)
    return anneal(inst, opts, P);
  const clock = opts.clock ?? (() => performance.now());
  const wall0 = performance.now();
  const t0 = clock();
  const timeLimit =
    opts.timeLimitMs ?? (opts.maxIterations !== undefined ? Number.POSITIVE_INFINITY : 10_000);
  const f = Math.min(0.9 / K, Math.max(0, P.probeFrac));
  const seed = opts.seed ?? 1;
  // The probes cover the schedule from startTemp to tMid; the continuation goes on from tMid.
  const tMid = P.startTemp * (P.endTemp / P.startTemp) ** (f * K);
  let bestCost = Number.POSITIVE_INFINITY;
  let iterations = 0;
  const report = (c: number, _ms: number, it: number): void => {
    if (c < bestCost - 1e-9) {
      bestCost = c;
      opts.onProgress?.(c, clock() - t0, iterations + it);
    }
  };
  let chosen: (SolveResult & { tempScale: number }) | undefined;
  for (let i = 0; i < K; i++) {
    const r = anneal(
      inst,
      {
        ...opts,
        seed: seed + 7919 * (i + 1),
        timeLimitMs: timeLimit * f,
        ...(opts.maxIterations !== undefined ? { maxIterations: Math.floor(opts.maxIterations * f) } : {}),
        onProgress: report,
      },
      { ...P, endTemp: tMid },
    );
    iterations += r.iterations;
    if (!chosen || (r.feasible && (!chosen.feasible || r.objective < chosen.objective))) chosen = r;
  }
  const used = clock() - t0;
  const fin = anneal(
    inst,
    {
      ...opts,
      initialRoutes: chosen!.routes,
      timeLimitMs: Math.max(0, timeLimit - used),
      ...(opts.maxIterations !== undefined
        ? { maxIterations: Math.max(1, opts.maxIterations - iterations) }
        : {}),
      onProgress: report,
    },
    { ...P, startTemp: tMid },
    chosen!.tempScale,
  );
  const out = fin.feasible || !chosen!.feasible || fin.objective <= chosen!.objective ? fin : chosen!;
  return {
    routes: out.routes,
    cost: out.cost,
    skipped: out.skipped,
    objective: out.objective,
    feasible: out.feasible,
    iterations: iterations + fin.iterations,
    elapsedMs: performance.now() - wall0,
    clockMs: clock() - t0,
  };
}

/** One simulated-annealing search; `tempScale` overrides the temperature unit (a continuation). */
function anneal(
  inst: CvrpInstance,
  opts: SolveOptions,
  P: SolverParams,
  tempScale?: number,
): SolveResult & { tempScale: number } {
  const clock = opts.clock ?? (() => performance.now());
  const wall0 = performance.now();
  const t0 = clock();
  const timeLimit =
    opts.timeLimitMs ?? (opts.maxIterations !== undefined ? Number.POSITIVE_INFINITY : 10_000);
  const maxIter = opts.maxIterations ?? Number.POSITIVE_INFINITY;
  const byIterations = opts.maxIterations !== undefined;
  const rng = new Rng(opts.seed ?? 1);
  const n = inst.n;
  const N = n + 1;

  const maxRoutes = inst.fleet.kind === 'unlimited' ? n : inst.fleet.count;
  const nb = nearestCustomers(inst, Math.min(n - 1, 100));
  const rr = new RuinRecreate(n, maxRoutes, nb, rng, P);
  const ls = new LocalSearch(n, nb, P.granularK, P.swapStar);

  let maxEdge = 0;
  for (let i = 0; i < N * N; i++) if (inst.dist[i]! > maxEdge) maxEdge = inst.dist[i]!;
  let maxDemand = 0;
  for (let i = 1; i <= n; i++) if (inst.demand[i]! > maxDemand) maxDemand = inst.demand[i]!;
  const maxD = inst.maxRouteDistance ?? Number.POSITIVE_INFINITY;
  const fixed = inst.fleet.kind !== 'unlimited';
  let totalDemand = 0;
  for (let i = 1; i <= n; i++) totalDemand += inst.demand[i]!;
  const minRoutes = Math.max(1, Math.ceil(totalDemand / inst.capacity - 1e-9));
  const soft =
    fixed ||
    (P.softCapacity === 'auto' ? !inst.skip && n / minRoutes >= P.softMinRouteLength : P.softCapacity);
  // 'auto' LS: on every candidate with a fixed fleet; none with a soft unlimited fleet (measured
  // worse: X-n190-k8 2.3-2.5% with it, 0.15-0.47% without), else near-best candidates only.
  const lsGap = P.lsGap === 'auto' ? (fixed ? Number.POSITIVE_INFINITY : soft ? -1 : 0.002) : P.lsGap;
  // Soft: moderate weights adapted during the search (always with a fixed fleet). Unlimited fleet
  // without soft capacity: prohibitive weights, i.e. hard constraints (a new route is always
  // possible, so a violation never has to be accepted).
  const hardW = 1e6 * Math.max(1, maxEdge);
  const baseW = Math.max(1e-3, maxEdge / Math.max(1e-9, maxDemand));
  const pen = soft
    ? new Penalty(inst.capacity, maxD, baseW, 1, inst.fleet.kind === 'exact' ? 2 * maxEdge : 0)
    : new Penalty(inst.capacity, maxD, hardW / Math.max(1e-9, maxDemand), hardW);
  const hardPen = new Penalty(inst.capacity, maxD, hardW / Math.max(1e-9, maxDemand), hardW);

  const cur = new Solution(inst, maxRoutes);
  const cand = new Solution(inst, maxRoutes);
  const best = new Solution(inst, maxRoutes);
  let bestCost = Number.POSITIVE_INFINITY;

  // Initial solution: warm start if any, then greedy insertion of whatever is unrouted.
  if (opts.initialRoutes) {
    cur.setRoutes(opts.initialRoutes);
    rr.nRemoved = 0;
    for (let c = 1; c <= n; c++) if (cur.routeOf[c]! < 0) rr.removed[rr.nRemoved++] = c;
  } else rr.removeAll(cur);
  const savedBlink = rr.params;
  rr.params = { ...P, blinkRate: 0 };
  // Unlimited fleet: the first solution is built with hard constraints, so that it is feasible.
  const initPen = fixed ? pen : hardPen;
  rr.softCapacity = fixed;
  rr.recreate(cur, initPen);
  rr.params = savedBlink;
  rr.softCapacity = soft;
  for (let c = 1; c <= n; c++) ls.push(c);
  ls.run(cur, initPen);
  if (cur.isFeasible()) {
    best.copyFrom(cur);
    bestCost = cur.objective();
    opts.onProgress?.(bestCost, clock() - t0, 0);
  }
  let curCost = cur.penalized(pen);
  let routed = 0;
  for (let c = 1; c <= n; c++) if (cur.routeOf[c]! >= 0) routed++;
  // Scale of the temperature; when every customer is optional and none was worth serving yet,
  // fall back to a tenth of the longest edge rather than a zero (frozen) temperature.
  const avgEdge =
    tempScale ??
    (routed > 0
      ? cur.distance() / (routed + Math.max(1, cur.nonEmptyRoutes()))
      : Math.max(1e-9, maxEdge / 10));
  const T0 = P.startTemp * avgEdge;
  const Tf = P.endTemp * avgEdge;
  const ratio = Tf / T0;
  if (soft && !fixed) {
    pen.routeWeight = P.routeWeight * avgEdge;
    curCost = cur.penalized(pen);
  }

  cand.copyFrom(cur);
  cand.clearDirty();
  let it = 0;
  let feasibleCount = 0;
  let sampled = 0;
  let progress = 0;
  let elapsed = 0;
  // Read the clock every `checkEvery` iterations only, adapted so that reads are ~1 ms apart: a
  // CPU-time clock (process.cpuUsage) costs ~3 us, ~3% of the CPU when read every 8 iterations.
  let checkEvery = 1;
  let nextCheck = 0;
  while (it < maxIter) {
    if (it >= nextCheck) {
      const now = clock() - t0;
      const dt = now - elapsed;
      elapsed = now;
      if (elapsed >= timeLimit) break;
      if (dt < 0.5 && checkEvery < 1024) checkEvery *= 2;
      else if (dt > 2 && checkEvery > 1) checkEvery >>= 1;
      nextCheck = it + checkEvery;
    }
    progress = byIterations ? it / maxIter : elapsed / timeLimit;
    const T = T0 * ratio ** progress;
    it++;

    // Invariant: cand equals cur here and has no dirty routes.
    rr.ruin(cand);
    rr.recreate(cand, pen);
    let candCost = cand.penalized(pen);
    if (lsGap >= 0 && candCost < (bestCost < Number.POSITIVE_INFINITY ? bestCost : curCost) * (1 + lsGap)) {
      for (let i = 0; i < rr.nRemoved; i++) ls.push(rr.removed[i]!);
      ls.run(cand, pen, false);
      candCost = cand.penalized(pen);
      // SWAP* costs O(route length^2) per route pair: only for candidates that came out close
      // to the best (its first pass looks at the routes this iteration changed).
      if (
        P.swapStar &&
        candCost < (bestCost < Number.POSITIVE_INFINITY ? bestCost : curCost) * (1 + P.swapStarGap)
      ) {
        ls.run(cand, pen, true);
        candCost = cand.penalized(pen);
      }
    }
    const feasible = cand.isFeasible();
    if (feasible) {
      feasibleCount++;
      const dist = cand.objective();
      if (dist < bestCost - 1e-9) {
        bestCost = dist;
        best.copyFrom(cand);
        opts.onProgress?.(bestCost, clock() - t0, it);
      }
    }
    sampled++;
    if (candCost < curCost - T * Math.log(1 - rng.next())) {
      cur.syncFrom(cand, cand);
      curCost = candCost;
    } else cand.syncFrom(cur, cand);
    cand.clearDirty();
    if (soft && sampled === 100) {
      // Steer the share of feasible candidates towards the target (HGS-style penalty control).
      const frac = feasibleCount / sampled;
      if (frac < P.feasibleTarget - 0.1) pen.loadWeight = Math.min(pen.loadWeight * 1.3, baseW * 1e4);
      else if (frac > P.feasibleTarget + 0.1) pen.loadWeight = Math.max(pen.loadWeight / 1.3, baseW * 1e-3);
      pen.distWeight = pen.loadWeight * (maxDemand / Math.max(1, maxEdge));
      curCost = cur.penalized(pen);
      feasibleCount = 0;
      sampled = 0;
    }
  }

  const out = bestCost < Number.POSITIVE_INFINITY ? best : cur;
  const skipped: number[] = [];
  if (inst.skip) for (let c = 1; c <= n; c++) if (out.routeOf[c]! < 0) skipped.push(c);
  return {
    routes: out.toRoutes(),
    cost: out.distance(),
    skipped,
    objective: out.objective(),
    feasible: bestCost < Number.POSITIVE_INFINITY,
    iterations: it,
    elapsedMs: performance.now() - wall0,
    clockMs: clock() - t0,
    tempScale: avgEdge,
  };
}
