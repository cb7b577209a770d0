/**
 * The problem model shared by the solver, the checker and the parsers.
 *
 * Node 0 is the depot, nodes 1..n are customers (pickup points). Distances are held in a full
 * row-major matrix of (n+1)^2 entries: the search evaluates millions of moves, and a typed-array
 * lookup is far cheaper than calling a distance function. The waste-routing module can fill the
 * matrix from road-network travel distances; the benchmarks fill it from coordinates.
 *
 * Optional customers (prize-collecting) carry a finite skip penalty; see `skip`.
 *
 * Extensibility: per-customer service times and a max route duration would be added as further
 * optional fields here and checked in check.ts; the search already keeps per-route distance, so a
 * max route length is handled today (`maxRouteDistance`).
 */

/** How many routes a solution may or must use. */
export type Fleet =
  /** Exactly `count` non-empty routes (Augerat A/P benchmark convention). */
  | { readonly kind: 'exact'; readonly count: number }
  /** At most `count` routes (a real truck fleet). */
  | { readonly kind: 'max'; readonly count: number }
  /** Any number of routes (Uchoa X convention). */
  | { readonly kind: 'unlimited' };

export interface CvrpInstance {
  readonly name: string;
  /** Number of customers; nodes are 0..n, 0 is the depot. */
  readonly n: number;
  /** Row-major (n+1)x(n+1) distance matrix: dist[i * (n+1) + j]. */
  readonly dist: Float64Array;
  /** demand[i] for i in 0..n (demand[0] is ignored). */
  readonly demand: Float64Array;
  readonly capacity: number;
  readonly fleet: Fleet;
  /** Optional hard limit on each route's length (same unit as dist). */
  readonly maxRouteDistance?: number;
  /** Optional coordinates, only for display/debugging. */
  readonly coords?: Float64Array;
  /**
   * Prize-collecting: skip[c] is what leaving customer c unvisited costs (same unit as dist);
   * +Infinity (or no array) makes c mandatory. An optional customer is served only when serving
   * it costs less than skipping it, i.e. when it lies (almost) on the way.
   */
  readonly skip?: Float64Array;
}

export interface InstanceInput {
  name?: string;
  /** Either a full matrix of (n+1)^2 entries or a function of node indices. */
  distance: Float64Array | ((i: number, j: number) => number);
  /** Demands of nodes 0..n (length n+1); demand[0] is the depot's and is ignored. */
  demand: ArrayLike<number>;
  capacity: number;
  fleet?: Fleet;
  maxRouteDistance?: number;
  coords?: Float64Array;
  /** Cost of not serving each customer (length n+1, index 0 ignored); omitted or +Infinity = mandatory. */
  skipPenalty?: ArrayLike<number>;
}

/** Validates the input and builds the matrix form the solver uses. */
export function createInstance(input: InstanceInput): CvrpInstance {
  const size = input.demand.length;
  if (size < 2) throw new Error('instance needs a depot and at least one customer');
  const n = size - 1;
  let dist: Float64Array;
  if (typeof input.distance === 'function') {
    dist = new Float64Array(size * size);
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) dist[i * size + j] = input.distance(i, j);
  } else {
    if (input.distance.length !== size * size) {
      throw new Error(`distance matrix has ${input.distance.length} entries, expected ${size * size}`);
    }
    dist = input.distance;
  }
  const demand = Float64Array.from(input.demand);
  demand[0] = 0;
  if (!(input.capacity > 0)) throw new Error('capacity must be positive');
  for (let i = 1; i <= n; i++) {
    const q = demand[i]!;
    if (!(q >= 0)) throw new Error(`customer ${i} has invalid demand ${q}`);
    if (q > input.capacity) throw new Error(`customer ${i} demand ${q} exceeds vehicle capacity`);
  }
  const fleet = input.fleet ?? { kind: 'unlimited' };
  if (fleet.kind !== 'unlimited' && !(fleet.count >= 1)) throw new Error('fleet count must be >= 1');
  let skip: Float64Array | undefined;
  if (input.skipPenalty !== undefined) {
    if (input.skipPenalty.length !== size)
      throw new Error(`skipPenalty has ${input.skipPenalty.length} entries, expected ${size}`);
    skip = Float64Array.from(input.skipPenalty);
    skip[0] = Number.POSITIVE_INFINITY;
    for (let i = 1; i <= n; i++)
      if (!(skip[i]! >= 0)) throw new Error(`customer ${i} has invalid skip penalty ${skip[i]}`);
    // All mandatory: drop the array so the CVRP hot paths stay exactly as they were.
    if (skip.every((v) => v === Number.POSITIVE_INFINITY)) skip = undefined;
  }
  const inst: CvrpInstance = {
    name: input.name ?? 'instance',
    n,
    dist,
    demand,
    capacity: input.capacity,
    fleet,
    ...(input.maxRouteDistance !== undefined ? { maxRouteDistance: input.maxRouteDistance } : {}),
    ...(input.coords !== undefined ? { coords: input.coords } : {}),
    ...(skip !== undefined ? { skip } : {}),
  };
  return inst;
}

/** TSPLIB EUC_2D: Euclidean distance rounded to the nearest integer (nint). */
export function euc2dMatrix(coords: Float64Array, round = true): Float64Array {
  const size = coords.length / 2;
  const m = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    const xi = coords[2 * i]!;
    const yi = coords[2 * i + 1]!;
    for (let j = i + 1; j < size; j++) {
      const dx = xi - coords[2 * j]!;
      const dy = yi - coords[2 * j + 1]!;
      const e = Math.sqrt(dx * dx + dy * dy);
      const d = round ? Math.floor(e + 0.5) : e;
      m[i * size + j] = d;
      m[j * size + i] = d;
    }
  }
  return m;
}

/** Cost of a set of routes (each a list of customer indices, depot implicit at both ends). */
export function routesCost(inst: CvrpInstance, routes: readonly (readonly number[])[]): number {
  const size = inst.n + 1;
  let total = 0;
  for (const r of routes) {
    let prev = 0;
    for (const c of r) {
      total += inst.dist[prev * size + c]!;
      prev = c;
    }
    if (r.length > 0) total += inst.dist[prev * size]!;
  }
  return total;
}

/** Whether customer c may be left out (finite skip penalty). */
export function isOptional(inst: CvrpInstance, c: number): boolean {
  return inst.skip !== undefined && inst.skip[c]! < Number.POSITIVE_INFINITY;
}

/** Total skip penalty of the optional customers the routes leave out. */
export function skippedCost(inst: CvrpInstance, routes: readonly (readonly number[])[]): number {
  if (!inst.skip) return 0;
  const seen = new Uint8Array(inst.n + 1);
  for (const r of routes) for (const c of r) seen[c] = 1;
  let s = 0;
  for (let c = 1; c <= inst.n; c++)
    if (!seen[c] && inst.skip[c]! < Number.POSITIVE_INFINITY) s += inst.skip[c]!;
  return s;
}
