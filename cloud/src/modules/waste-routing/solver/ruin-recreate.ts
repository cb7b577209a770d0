/**
 * SISR ruin and recreate (Christiaens & Vanden Berghe 2020, "Slack Induction by String Removals").
 *
 * Ruin removes a few strings (consecutive customers) from routes that are close to a random seed
 * customer: removing *adjacent* strings frees capacity ("slack") in nearby routes at the same time,
 * so the recreate step can regroup customers between those routes. Recreate is greedy cheapest
 * insertion in a randomised customer order, with "blinks": each candidate position is skipped with
 * a small probability, which diversifies without making insertion much worse.
 */
import type { Neighbors } from './neighbors.js';
import type { Rng } from './rng.js';
import type { Penalty, Solution } from './solution.js';

export interface RuinParams {
  /** Average number of removed customers (c-bar). */
  avgRemoved: number;
  /** Maximum string length (L-max). */
  maxString: number;
  /** Probability of the split-string variant. */
  splitRate: number;
  /** Probability to stop growing the preserved block of a split string. */
  splitDepth: number;
  /** Blink rate during insertion. */
  blinkRate: number;
  /**
   * Insert a customer only into routes that serve one of its `insertNeighbors` nearest customers
   * (0 = try every route). Far routes almost never hold the cheapest position, and skipping them
   * makes recreate independent of the number of routes. Off by default: with an unlimited fleet
   * it opened extra routes and measured clearly worse on X (n <= 200); meant for large n.
   * Also measured: only the positions next to the 30 nearest customers, with a full scan when none
   * is feasible (so no extra routes): hardly faster at n <= 200 (scattered reads per neighbour) and
   * not better on X (seed 1, first 16 instances: 0.32% vs 0.21% mean gap; one seed only).
   */
  insertNeighbors: number;
}

export const DEFAULT_RUIN: RuinParams = {
  avgRemoved: 10,
  maxString: 10,
  splitRate: 0.5,
  splitDepth: 0.01,
  blinkRate: 0.01,
  insertNeighbors: 0,
};

/** Scratch buffers reused across iterations to avoid allocation in the hot loop. */
export class RuinRecreate {
  readonly removed: Int32Array;
  nRemoved = 0;
  private readonly mark: Int32Array;
  private stamp = 0;
  private readonly routeMark: Int32Array;
  private readonly touched: Int32Array;
  private nTouched = 0;
  private readonly sortKey: Float64Array;
  private readonly candRoutes: Int32Array;
  private readonly candMark: Int32Array;
  private candStamp = 0;
  /**
   * Unlimited fleet: insert into overloaded (or too long) routes at their penalised cost, and open
   * a new route only when that is cheaper. Off: such positions are skipped (hard constraints).
   */
  softCapacity = false;
  /** Transposed matrix: row c holds d(j -> c), so both insertion terms read rows of c (cache). */
  private distT: Float64Array | undefined;

  constructor(
    n: number,
    maxRoutes: number,
    private readonly nb: Neighbors,
    private readonly rng: Rng,
    public params: RuinParams = DEFAULT_RUIN,
  ) {
    this.removed = new Int32Array(n + 1);
    this.mark = new Int32Array(n + 1);
    this.routeMark = new Int32Array(Math.max(maxRoutes, n + 1));
    this.touched = new Int32Array(Math.max(maxRoutes, n + 1));
    this.sortKey = new Float64Array(n + 1);
    this.candRoutes = new Int32Array(Math.max(maxRoutes, n + 1));
    this.candMark = new Int32Array(Math.max(maxRoutes, n + 1));
  }

  /** Removes strings around a random seed customer; fills `removed`. */
  ruin(s: Solution): void {
    const P = this.params;
    const rng = this.rng;
    const n = s.inst.n;
    this.stamp++;
    const stamp = this.stamp;
    this.nRemoved = 0;
    this.nTouched = 0;
    const nonEmpty = s.nonEmptyRoutes();
    if (nonEmpty === 0 && !s.inst.skip) return;
    const avgCard = n / Math.max(1, nonEmpty);
    const lsMax = Math.min(P.maxString, avgCard);
    const ksMax = (4 * P.avgRemoved) / (1 + lsMax) - 1;
    const ks = Math.floor(rng.next() * ksMax) + 1;
    const seed = 1 + rng.int(n);
    const w = this.nb.width;
    const adj = this.nb.adj;
    for (let i = -1; i < w && this.nTouched < ks; i++) {
      const c = i < 0 ? seed : adj[seed * w + i]!;
      const r = s.routeOf[c]!;
      if (r < 0) {
        // An optional customer left out: reconsider it when its neighbourhood is rebuilt.
        if (this.mark[c] !== stamp) this.take(c, stamp);
        continue;
      }
      if (this.routeMark[r] === stamp || this.mark[c] === stamp) continue;
      this.routeMark[r] = stamp;
      this.touched[this.nTouched++] = r;
      const L = s.len[r]!;
      const ltMax = Math.min(L, lsMax);
      const l = Math.floor(rng.next() * ltMax) + 1;
      const arr = s.routes[r]!;
      const p = s.posOf[c]!;
      if (l < L && rng.next() < P.splitRate) {
        // Split string: a string of l + m customers containing c, of which a random block of m
        // consecutive customers is preserved.
        let m = 1;
        while (l + m < L && rng.next() > P.splitDepth) m++;
        const span = l + m;
        const lo = Math.max(0, p - span + 1);
        const hi = Math.min(p, L - span);
        const start = lo + rng.int(hi - lo + 1);
        const keep = start + rng.int(l + 1);
        for (let j = start; j < start + span; j++) {
          if (j >= keep && j < keep + m) continue;
          this.take(arr[j]!, stamp);
        }
      } else {
        const lo = Math.max(0, p - l + 1);
        const hi = Math.min(p, L - l);
        const start = lo + rng.int(hi - lo + 1);
        for (let j = start; j < start + l; j++) this.take(arr[j]!, stamp);
      }
    }
    // Compact the ruined routes.
    for (let t = 0; t < this.nTouched; t++) {
      const r = this.touched[t]!;
      const arr = s.routes[r]!;
      const L = s.len[r]!;
      let k = 0;
      for (let j = 0; j < L; j++) {
        const c = arr[j]!;
        if (this.mark[c] !== stamp) arr[k++] = c;
        else s.routeOf[c] = -1;
      }
      s.len[r] = k;
      s.updateRoute(r);
    }
    s.compact();
  }

  private take(c: number, stamp: number): void {
    this.mark[c] = stamp;
    this.removed[this.nRemoved++] = c;
  }

  /** Marks every customer as removed (to build an initial solution by insertion). */
  removeAll(s: Solution): void {
    this.nRemoved = 0;
    for (let c = 1; c <= s.inst.n; c++) this.removed[this.nRemoved++] = c;
    s.routeOf.fill(-1);
    if (s.fixedSlots) {
      for (let r = 0; r < s.nRoutes; r++) {
        s.len[r] = 0;
        s.updateRoute(r);
      }
    } else s.nRoutes = 0;
  }

  /** Orders removed customers by one of SISR's randomly chosen criteria. */
  private sortRemoved(s: Solution): void {
    const rem = this.removed;
    const k = this.nRemoved;
    const u = this.rng.int(11); // weights 4:4:2:1 as in the SISR paper
    if (u < 4) {
      this.rng.shuffle(rem, k);
      return;
    }
    const key = this.sortKey;
    const N = s.N;
    const d = s.inst.dist;
    for (let i = 0; i < k; i++) {
      const c = rem[i]!;
      if (u < 8)
        key[c] = -s.inst.demand[c]!; // largest demand first
      else if (u < 10)
        key[c] = -d[c]!; // farthest from depot first
      else key[c] = d[c * N]!; // closest to depot first
    }
    // Shuffle first so ties are broken randomly, then a stable insertion sort (k is small).
    this.rng.shuffle(rem, k);
    for (let i = 1; i < k; i++) {
      const c = rem[i]!;
      const kc = key[c]!;
      let j = i - 1;
      while (j >= 0 && key[rem[j]!]! > kc) {
        rem[j + 1] = rem[j]!;
        j--;
      }
      rem[j + 1] = c;
    }
  }

  /** Fills candRoutes with the routes to try for customer c; returns their count. */
  private candidateRoutes(s: Solution, c: number): number {
    const K = Math.min(this.params.insertNeighbors, this.nb.width);
    let k = 0;
    if (K <= 0 || K >= s.nRoutes * 4) {
      for (let r = 0; r < s.nRoutes; r++) this.candRoutes[k++] = r;
      return k;
    }
    const stamp = ++this.candStamp;
    const adj = this.nb.adj;
    const w = this.nb.width;
    for (let i = 0; i < K; i++) {
      const r = s.routeOf[adj[c * w + i]!]!;
      if (r >= 0 && this.candMark[r] !== stamp) {
        this.candMark[r] = stamp;
        this.candRoutes[k++] = r;
      }
    }
    // With a fixed fleet an empty slot is a legitimate (and sometimes required) choice.
    if (s.fixedSlots) {
      for (let r = 0; r < s.nRoutes; r++) {
        if (s.len[r] === 0) {
          this.candRoutes[k++] = r;
          break;
        }
      }
    }
    return k;
  }

  /** Cheapest insertion found by the last scan(): cost change, route (-1: none), position. */
  private insCost = 0;
  private insRoute = -1;
  private insPos = -1;
  /** Positions the last scan() would have taken but skipped by a blink. */
  private blinked = 0;

  /** Greedy insertion with blinks of all removed customers. */
  recreate(s: Solution, pen: Penalty): void {
    this.sortRemoved(s);
    const blink = this.params.blinkRate;
    const inst = s.inst;
    const d = inst.dist;
    const N = s.N;
    if (!this.distT) this.distT = transpose(d, N);
    // Soft unlimited fleet: a route of its own competes with the penalised insertions.
    const openable = !s.fixedSlots && this.softCapacity;
    const skip = inst.skip;
    for (let i = 0; i < this.nRemoved; i++) {
      const c = this.removed[i]!;
      const cN = c * N;
      const all = this.params.insertNeighbors <= 0;
      this.scan(s, pen, c, all ? -1 : this.candidateRoutes(s, c), blink);
      // Blinks diversify the choice between positions; they must not decide that there is no
      // position at all (with a small fixed fleet that threw, or silently left an optional
      // customer out; with an unlimited fleet it opened a needless route): scan again without.
      if (this.insRoute < 0 && this.blinked > 0)
        this.scan(s, pen, c, all ? -1 : this.candidateRoutes(s, c), 0);
      // Fixed fleet, neighbour routes only, none of them routed: any route will do.
      if (this.insRoute < 0 && !all && s.fixedSlots) this.scan(s, pen, c, -1, 0);
      let bestR = this.insRoute;
      let bestPos = this.insPos;
      const bestCost = this.insCost;
      const skipC = skip ? skip[c]! : Number.POSITIVE_INFINITY;
      if (openable && bestR >= 0) {
        const rt = d[c]! + d[cN]!;
        if (rt + pen.routeWeight + pen.of(inst.demand[c]!, rt, 1) < bestCost) bestR = -1;
      }
      if (bestR < 0) {
        // A route of its own costs the round trip; an optional customer is left out instead
        // when that is cheaper (or when the fleet is exhausted).
        if (skipC <= d[c]! + d[cN]! || (skipC < Number.POSITIVE_INFINITY && s.nRoutes >= s.maxRoutes))
          continue;
        bestR = s.openRoute();
        bestPos = 0;
        if (bestR < 0) throw new Error('no route available for insertion');
      } else if (bestCost >= skipC) continue; // serving it costs more than skipping it
      const arr = s.routes[bestR]!;
      const L = s.len[bestR]!;
      arr.copyWithin(bestPos + 1, bestPos, L);
      arr[bestPos] = c;
      s.len[bestR] = L + 1;
      s.updateRoute(bestR);
    }
  }

  /**
   * Finds the cheapest insertion of c (with blinks at rate `blink`) into every route
   * (nCand < 0) or into the first nCand of candRoutes; sets insCost/insRoute/insPos/blinked.
   */
  private scan(s: Solution, pen: Penalty, c: number, nCand: number, blink: number): void {
    const rng = this.rng;
    const inst = s.inst;
    const d = inst.dist;
    const N = s.N;
    const dT = this.distT!;
    const cumDist = s.cumDist;
    const qc = inst.demand[c]!;
    const cN = c * N;
    const hard = !s.fixedSlots && !this.softCapacity;
    const Q = inst.capacity;
    const maxD = inst.maxRouteDistance ?? Number.POSITIVE_INFINITY;
    const noMaxD = maxD === Number.POSITIVE_INFINITY;
    const all = nCand < 0;
    const nR = all ? s.nRoutes : nCand;
    let bestCost = Number.POSITIVE_INFINITY;
    let bestR = -1;
    let bestPos = -1;
    let blinked = 0;
    for (let ci = 0; ci < nR; ci++) {
      const r = all ? ci : this.candRoutes[ci]!;
      const load = s.load[r]!;
      const newLoad = load + qc;
      if (hard && newLoad > Q + 1e-9) continue;
      const rd = s.rdist[r]!;
      const arr = s.routes[r]!;
      const L = s.len[r]!;
      const basePen = hard ? 0 : pen.of(load, rd, L);
      // Without a length limit the penalty change depends on the route only (its new load), so
      // it is computed once; insertion itself costs >= 0 (triangle inequality), so a route whose
      // penalty change alone is no better than the best position found is skipped.
      const loadPen = hard || !noMaxD ? 0 : pen.of(newLoad, rd, L + 1) - basePen;
      if (loadPen > 0 && loadPen >= bestCost) continue;
      // The removed edge (prev, next) is read from the route's prefix distances rather than the
      // matrix: all reads then hit the row of c and a small array, which stay in L1 cache.
      let prev = 0;
      let prevCum = 0;
      for (let p = 0; p <= L; p++) {
        const next = p < L ? arr[p]! : 0;
        const nextCum = p < L ? cumDist[next]! : rd;
        let delta = dT[cN + prev]! + d[cN + next]! - (nextCum - prevCum);
        prev = next;
        prevCum = nextCum;
        if (hard) {
          if (rd + delta > maxD + 1e-9) continue;
        } else if (noMaxD) delta += loadPen;
        else delta += pen.of(newLoad, rd + delta, L + 1) - basePen;
        if (delta < bestCost) {
          if (blink === 0 || rng.next() >= blink) {
            bestCost = delta;
            bestR = r;
            bestPos = p;
          } else blinked++;
        }
      }
    }
    this.insCost = bestCost;
    this.insRoute = bestR;
    this.insPos = bestPos;
    this.blinked = blinked;
  }
}

function transpose(d: Float64Array, N: number): Float64Array {
  let symmetric = true;
  for (let i = 0; i < N && symmetric; i++) {
    for (let j = i + 1; j < N; j++) {
      if (d[i * N + j] !== d[j * N + i]) {
        symmetric = false;
        break;
      }
    }
  }
  if (symmetric) return d;
  const t = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) t[j * N + i] = d[i * N + j]!;
  return t;
}
