/**
 * Mutable solution state used inside the search.
 *
 * Routes are kept as arrays of customers per route slot (depot implicit at both ends), with
 * per-node route/position indices and per-route prefix sums (load and distance). This makes every
 * move evaluation O(1) (neighbour lookups, prefix sums for 2-opt* tails) and every applied move
 * O(route length), which is cheap because routes are short compared with n.
 *
 * Constraint violations are priced rather than forbidden: `penalty()` turns capacity and
 * max-route-length excess into cost. With a fixed fleet, tight instances have few feasible
 * neighbours and a penalised search moves through infeasible space; with an unlimited fleet the
 * weights are huge, i.e. effectively hard constraints.
 */
import type { CvrpInstance } from './instance.js';

export class Penalty {
  constructor(
    public capacity: number,
    public maxDist: number,
    /** Cost per unit of load above capacity. */
    public loadWeight: number,
    /** Cost per unit of length above maxDist. */
    public distWeight: number,
    /**
     * Cost of an empty route slot. With an exact fleet size the cheapest solutions often use one
     * route fewer (e.g. P-n55-k8 fits in 7 trucks); without this price the search drifts there and
     * never returns to k non-empty routes.
     */
    public emptyWeight = 0,
  ) {}

  /**
   * Price of a non-empty route (unlimited fleet with soft capacity): part of `penalized()` and of
   * the cost of opening a route in recreate, not of `of()`, so the local search ignores it.
   */
  routeWeight = 0;

  of(load: number, dist: number, len: number): number {
    if (len === 0) return this.emptyWeight;
    let p = 0;
    if (load > this.capacity + 1e-9) p += this.loadWeight * (load - this.capacity);
    if (dist > this.maxDist + 1e-9) p += this.distWeight * (dist - this.maxDist);
    return p;
  }
}

export class Solution {
  readonly N: number;
  /** Number of route slots in use (routes 0..nRoutes-1). */
  nRoutes = 0;
  /** Fixed fleet: slots are permanent and may be empty. Unlimited: empty routes are dropped. */
  readonly fixedSlots: boolean;
  readonly routes: Int32Array[] = [];
  readonly len: Int32Array;
  readonly load: Float64Array;
  readonly rdist: Float64Array;
  /** Route of each customer (-1 when unrouted). */
  readonly routeOf: Int32Array;
  readonly posOf: Int32Array;
  /** Load of the route up to and including the node. */
  readonly cumLoad: Float64Array;
  /** Distance from the depot to the node along its route. */
  readonly cumDist: Float64Array;
  /** Routes changed since clearDirty(): lets syncFrom() copy only what an iteration touched. */
  private readonly dirtyMark: Uint8Array;
  private readonly dirtyList: Int32Array;
  private nDirty = 0;

  constructor(
    readonly inst: CvrpInstance,
    readonly maxRoutes: number,
  ) {
    this.N = inst.n + 1;
    this.fixedSlots = inst.fleet.kind !== 'unlimited';
    this.len = new Int32Array(maxRoutes);
    this.load = new Float64Array(maxRoutes);
    this.rdist = new Float64Array(maxRoutes);
    this.routeOf = new Int32Array(this.N).fill(-1);
    this.posOf = new Int32Array(this.N);
    this.cumLoad = new Float64Array(this.N);
    this.cumDist = new Float64Array(this.N);
    this.dirtyMark = new Uint8Array(maxRoutes);
    this.dirtyList = new Int32Array(maxRoutes);
    if (this.fixedSlots) {
      this.nRoutes = maxRoutes;
      for (let r = 0; r < maxRoutes; r++) this.routes.push(new Int32Array(this.N));
    }
  }

  /** Returns the array of a route slot, allocating slots lazily (unlimited fleet). */
  slot(r: number): Int32Array {
    while (this.routes.length <= r) this.routes.push(new Int32Array(this.N));
    return this.routes[r]!;
  }

  /** Opens a new empty route; returns its index, or -1 if the fleet is exhausted. */
  openRoute(): number {
    if (this.nRoutes >= this.maxRoutes) return -1;
    const r = this.nRoutes++;
    this.slot(r);
    this.len[r] = 0;
    this.load[r] = 0;
    this.rdist[r] = 0;
    return r;
  }

  /** Recomputes the bookkeeping of one route after its array changed. */
  updateRoute(r: number): void {
    this.markDirty(r);
    const arr = this.routes[r]!;
    const L = this.len[r]!;
    const d = this.inst.dist;
    const q = this.inst.demand;
    const N = this.N;
    let prev = 0;
    let load = 0;
    let dist = 0;
    for (let i = 0; i < L; i++) {
      const c = arr[i]!;
      dist += d[prev * N + c]!;
      load += q[c]!;
      this.routeOf[c] = r;
      this.posOf[c] = i;
      this.cumLoad[c] = load;
      this.cumDist[c] = dist;
      prev = c;
    }
    if (L > 0) dist += d[prev * N]!;
    this.load[r] = load;
    this.rdist[r] = dist;
  }

  /** Drops empty routes (unlimited fleet only), keeping slot arrays for reuse. */
  compact(): void {
    if (this.fixedSlots) return;
    let r = 0;
    while (r < this.nRoutes) {
      if (this.len[r] === 0) {
        const last = --this.nRoutes;
        if (r !== last) {
          // Swap slot arrays so no data is copied.
          this.markDirty(r);
          this.markDirty(last);
          const tmp = this.routes[r]!;
          this.routes[r] = this.routes[last]!;
          this.routes[last] = tmp;
          this.len[r] = this.len[last]!;
          this.load[r] = this.load[last]!;
          this.rdist[r] = this.rdist[last]!;
          const arr = this.routes[r]!;
          for (let i = 0; i < this.len[r]!; i++) this.routeOf[arr[i]!] = r;
        }
        this.len[last] = 0;
        this.markDirty(last);
      } else r++;
    }
  }

  markDirty(r: number): void {
    if (this.dirtyMark[r]) return;
    this.dirtyMark[r] = 1;
    this.dirtyList[this.nDirty++] = r;
  }

  /** Number of routes marked dirty since clearDirty() (see dirtyRoute). */
  get dirtyCount(): number {
    return this.nDirty;
  }

  dirtyRoute(i: number): number {
    return this.dirtyList[i]!;
  }

  clearDirty(): void {
    for (let i = 0; i < this.nDirty; i++) this.dirtyMark[this.dirtyList[i]!] = 0;
    this.nDirty = 0;
  }

  /**
   * Makes this equal to `o` when the two differed only in the routes marked dirty in `dirty`
   * (either solution). Every customer that changed route sits in a dirty route of `o`, so copying
   * those routes and their customers' indices restores full equality in O(changed part) instead
   * of O(n): the per-iteration full copy was ~15% of the run time.
   */
  syncFrom(o: Solution, dirty: Solution): void {
    if (this.inst.skip) {
      // With optional customers a customer may leave the routes altogether; it then sits in no
      // route of `o`, so first forget the old contents of the routes about to be overwritten.
      for (let i = 0; i < dirty.nDirty; i++) {
        const r = dirty.dirtyList[i]!;
        if (r >= this.nRoutes) continue;
        const arr = this.routes[r]!;
        for (let j = 0; j < this.len[r]!; j++) this.routeOf[arr[j]!] = -1;
      }
    }
    this.nRoutes = o.nRoutes;
    for (let i = 0; i < dirty.nDirty; i++) {
      const r = dirty.dirtyList[i]!;
      const L = r < o.nRoutes ? o.len[r]! : 0;
      const dst = this.slot(r);
      const src = o.slot(r);
      this.len[r] = L;
      this.load[r] = r < o.nRoutes ? o.load[r]! : 0;
      this.rdist[r] = r < o.nRoutes ? o.rdist[r]! : 0;
      for (let j = 0; j < L; j++) {
        const c = src[j]!;
        dst[j] = c;
        this.routeOf[c] = r;
        this.posOf[c] = j;
        this.cumLoad[c] = o.cumLoad[c]!;
        this.cumDist[c] = o.cumDist[c]!;
      }
    }
  }

  copyFrom(o: Solution): void {
    this.nRoutes = o.nRoutes;
    for (let r = 0; r < o.nRoutes; r++) {
      const L = o.len[r]!;
      // Element loop rather than set(subarray()): subarray allocates a view per call, and this
      // runs for every route on every iteration.
      const dst = this.slot(r);
      const src = o.routes[r]!;
      for (let i = 0; i < L; i++) dst[i] = src[i]!;
      this.len[r] = L;
      this.load[r] = o.load[r]!;
      this.rdist[r] = o.rdist[r]!;
    }
    this.routeOf.set(o.routeOf);
    this.posOf.set(o.posOf);
    this.cumLoad.set(o.cumLoad);
    this.cumDist.set(o.cumDist);
  }

  distance(): number {
    let s = 0;
    for (let r = 0; r < this.nRoutes; r++) s += this.rdist[r]!;
    return s;
  }

  /** Skip penalties of the optional customers left out (0 without optional customers). */
  skippedCost(): number {
    const skip = this.inst.skip;
    if (!skip) return 0;
    let s = 0;
    for (let c = 1; c < this.N; c++) if (this.routeOf[c]! < 0) s += skip[c]!;
    return s;
  }

  /** Distance plus skip penalties: the objective of a feasible solution. */
  objective(): number {
    return this.distance() + this.skippedCost();
  }

  /** Distance plus constraint and skip penalties: the objective the search minimises. */
  penalized(p: Penalty): number {
    let s = this.skippedCost();
    for (let r = 0; r < this.nRoutes; r++)
      s += this.rdist[r]! + p.of(this.load[r]!, this.rdist[r]!, this.len[r]!);
    return p.routeWeight > 0 ? s + p.routeWeight * this.nonEmptyRoutes() : s;
  }

  nonEmptyRoutes(): number {
    let k = 0;
    for (let r = 0; r < this.nRoutes; r++) if (this.len[r]! > 0) k++;
    return k;
  }

  /** Feasible for the instance: capacity, route length, and the fleet rule. */
  isFeasible(): boolean {
    const inst = this.inst;
    const maxD = inst.maxRouteDistance ?? Number.POSITIVE_INFINITY;
    for (let r = 0; r < this.nRoutes; r++) {
      if (this.load[r]! > inst.capacity + 1e-9 || this.rdist[r]! > maxD + 1e-9) return false;
    }
    const k = this.nonEmptyRoutes();
    if (inst.fleet.kind === 'exact') return k === inst.fleet.count;
    if (inst.fleet.kind === 'max') return k <= inst.fleet.count;
    return true;
  }

  toRoutes(): number[][] {
    const out: number[][] = [];
    for (let r = 0; r < this.nRoutes; r++) {
      if (this.len[r]! > 0) out.push(Array.from(this.routes[r]!.subarray(0, this.len[r]!)));
    }
    return out;
  }

  /** Loads routes given as customer lists (e.g. from a construction heuristic). */
  setRoutes(routes: readonly (readonly number[])[]): void {
    this.routeOf.fill(-1);
    if (!this.fixedSlots) this.nRoutes = 0;
    let r = 0;
    for (const route of routes) {
      if (route.length === 0) continue;
      if (this.fixedSlots) {
        if (r >= this.nRoutes) throw new Error('more routes than the fleet allows');
      } else this.openRoute();
      const arr = this.slot(r);
      route.forEach((c, i) => {
        arr[i] = c;
      });
      this.len[r] = route.length;
      this.updateRoute(r);
      r++;
    }
    for (; r < this.nRoutes; r++) {
      this.len[r] = 0;
      this.updateRoute(r);
    }
  }
}
