/**
 * Granular local search (first improvement) over a work queue of customers.
 *
 * Only moves that connect a customer u with one of its K nearest customers v are evaluated
 * (granular neighbourhood), and only customers in the queue are examined: after a ruin-and-recreate
 * step the queue holds the re-inserted customers, so the search effort is proportional to the part
 * of the solution that changed rather than to n (the idea of selective vertex caching in FILO).
 *
 * Moves for (u, v): relocate u next to v, swap u and v, relocate/swap the pair (u, next(u)),
 * 2-opt inside a route, and both 2-opt* variants between routes. Costs are computed in O(1) from
 * route prefix sums and include constraint penalties (see Penalty). Reversal moves assume a
 * symmetric distance matrix.
 */
import type { Neighbors } from './neighbors.js';
import type { Penalty, Solution } from './solution.js';

const EPS = 1e-9;

export class LocalSearch {
  private readonly queue: Int32Array;
  private head = 0;
  private size = 0;
  private readonly inQueue: Uint8Array;
  private readonly buf: Int32Array;
  private readonly buf2: Int32Array;
  /** Number of applied moves since construction (for statistics). */
  moves = 0;
  evals = 0;

  constructor(
    n: number,
    private readonly nb: Neighbors,
    /** How many nearest customers form the granular neighbourhood. */
    private readonly k: number,
  ) {
    this.queue = new Int32Array(n + 1);
    this.inQueue = new Uint8Array(n + 1);
    this.buf = new Int32Array(n + 1);
    this.buf2 = new Int32Array(n + 1);
  }

  push(c: number): void {
    if (c === 0 || this.inQueue[c]) return;
    this.inQueue[c] = 1;
    const cap = this.queue.length;
    this.queue[(this.head + this.size) % cap] = c;
    this.size++;
  }

  private pushRouteAround(s: Solution, r: number, pos: number): void {
    const arr = s.routes[r]!;
    const L = s.len[r]!;
    for (let i = pos - 1; i <= pos + 1; i++) if (i >= 0 && i < L) this.push(arr[i]!);
  }

  /** Runs until no queued customer has an improving move. */
  run(s: Solution, pen: Penalty): void {
    const K = Math.min(this.k, this.nb.width);
    const adj = this.nb.adj;
    const w = this.nb.width;
    const cap = this.queue.length;
    while (this.size > 0) {
      const u = this.queue[this.head]!;
      this.head = (this.head + 1) % cap;
      this.size--;
      this.inQueue[u] = 0;
      if (s.routeOf[u]! < 0) continue;
      if (s.inst.skip && this.tryDrop(s, pen, u)) continue;
      for (let i = 0; i < K; i++) {
        const v = adj[u * w + i]!;
        if (s.routeOf[v]! < 0) continue;
        this.evals++;
        if (this.tryMoves(s, pen, u, v)) {
          this.push(u);
          break;
        }
      }
    }
    s.compact();
  }

  /**
   * Prize-collecting: leaves an optional customer out when its detour (plus any penalty it
   * causes) costs more than skipping it. Re-insertion is the ruin-and-recreate step's job.
   */
  private tryDrop(s: Solution, pen: Penalty, u: number): boolean {
    const skip = s.inst.skip![u]!;
    if (skip === Number.POSITIVE_INFINITY) return false;
    const d = s.inst.dist;
    const N = s.N;
    const r = s.routeOf[u]!;
    const arr = s.routes[r]!;
    const p = s.posOf[u]!;
    const L = s.len[r]!;
    const prev = p > 0 ? arr[p - 1]! : 0;
    const next = p + 1 < L ? arr[p + 1]! : 0;
    const dd = d[prev * N + next]! - d[prev * N + u]! - d[u * N + next]!;
    const delta = skip + dd + this.dPen(s, pen, r, s.load[r]! - s.inst.demand[u]!, s.rdist[r]! + dd, L - 1);
    if (!(delta < -EPS)) return false;
    this.pushRouteAround(s, r, p);
    arr.copyWithin(p, p + 1, L);
    s.len[r] = L - 1;
    s.routeOf[u] = -1;
    s.updateRoute(r);
    this.moves++;
    return true;
  }

  /** Penalty change of route r when its load/length become (load, dist). */
  private dPen(s: Solution, pen: Penalty, r: number, load: number, dist: number, len: number): number {
    return pen.of(load, dist, len) - pen.of(s.load[r]!, s.rdist[r]!, s.len[r]!);
  }

  /**
   * True when both routes of the current pair carry no penalty: then no move can lower the
   * penalty, and a move whose distance change is not negative can be skipped before the (costlier)
   * penalty evaluation. This prunes almost everything in a feasible solution.
   */
  private clean = true;

  private tryMoves(s: Solution, pen: Penalty, u: number, v: number): boolean {
    const d = s.inst.dist;
    const N = s.N;
    const q = s.inst.demand;
    const ru = s.routeOf[u]!;
    const rv = s.routeOf[v]!;
    const au = s.routes[ru]!;
    const av = s.routes[rv]!;
    const Lu = s.len[ru]!;
    const Lv = s.len[rv]!;
    const pu = s.posOf[u]!;
    const pv = s.posOf[v]!;
    const px = pu > 0 ? au[pu - 1]! : 0;
    const x = pu + 1 < Lu ? au[pu + 1]! : 0;
    const py = pv > 0 ? av[pv - 1]! : 0;
    const y = pv + 1 < Lv ? av[pv + 1]! : 0;
    const qu = q[u]!;
    const qv = q[v]!;
    const dux = d[u * N + x]!;
    const dpxu = d[px * N + u]!;
    const removeU = d[px * N + x]! - dpxu - dux;
    const clean =
      pen.of(s.load[ru]!, s.rdist[ru]!, Lu) === 0 &&
      (ru === rv || pen.of(s.load[rv]!, s.rdist[rv]!, Lv) === 0);
    this.clean = clean;

    if (ru !== rv) {
      const loadU = s.load[ru]!;
      const loadV = s.load[rv]!;
      const distU = s.rdist[ru]!;
      const distV = s.rdist[rv]!;
      // Relocate u after v, and before v.
      {
        const addA = d[v * N + u]! + d[u * N + y]! - d[v * N + y]!;
        const addB = d[py * N + u]! + d[u * N + v]! - d[py * N + v]!;
        const add = Math.min(addA, addB);
        const base = removeU + add;
        const delta =
          clean && base >= -EPS
            ? 0
            : base +
              this.dPen(s, pen, ru, loadU - qu, distU + removeU, Lu - 1) +
              this.dPen(s, pen, rv, loadV + qu, distV + add, Lv + 1);
        if (delta < -EPS) {
          this.relocate(s, u, rv, addA <= addB ? pv + 1 : pv);
          return true;
        }
      }
      // Swap u and v.
      {
        const dU = d[px * N + v]! + d[v * N + x]! - dpxu - dux;
        const dV = d[py * N + u]! + d[u * N + y]! - d[py * N + v]! - d[v * N + y]!;
        const delta =
          clean && dU + dV >= -EPS
            ? 0
            : dU +
              dV +
              this.dPen(s, pen, ru, loadU - qu + qv, distU + dU, Lu) +
              this.dPen(s, pen, rv, loadV - qv + qu, distV + dV, Lv);
        if (delta < -EPS) {
          au[pu] = v;
          av[pv] = u;
          s.updateRoute(ru);
          s.updateRoute(rv);
          this.pushRouteAround(s, ru, pu);
          this.pushRouteAround(s, rv, pv);
          this.moves++;
          return true;
        }
      }
      // Relocate the pair (u, x) after v, in either orientation.
      if (x !== 0) {
        const xx = pu + 2 < Lu ? au[pu + 2]! : 0;
        const qx = q[x]!;
        const rem = d[px * N + xx]! - dpxu - dux - d[x * N + xx]!;
        const addF = d[v * N + u]! + dux + d[x * N + y]! - d[v * N + y]!;
        const addR = d[v * N + x]! + dux + d[u * N + y]! - d[v * N + y]!;
        const add = Math.min(addF, addR);
        const delta =
          clean && rem + add >= -EPS
            ? 0
            : rem +
              add +
              this.dPen(s, pen, ru, loadU - qu - qx, distU + rem, Lu - 2) +
              this.dPen(s, pen, rv, loadV + qu + qx, distV + add, Lv + 2);
        if (delta < -EPS) {
          this.relocatePair(s, u, x, rv, pv + 1, addR < addF);
          return true;
        }
        // Swap the pair (u, x) with v.
        const dU2 = d[px * N + v]! + d[v * N + xx]! - dpxu - dux - d[x * N + xx]!;
        const dV2 = d[py * N + u]! + dux + d[x * N + y]! - d[py * N + v]! - d[v * N + y]!;
        const delta2 =
          clean && dU2 + dV2 >= -EPS
            ? 0
            : dU2 +
              dV2 +
              this.dPen(s, pen, ru, loadU - qu - qx + qv, distU + dU2, Lu - 1) +
              this.dPen(s, pen, rv, loadV - qv + qu + qx, distV + dV2, Lv + 1);
        if (delta2 < -EPS) {
          // Route u: px v xx ; route v: py u x y.
          this.replaceSegment(s, ru, pu, 2, [v]);
          this.replaceSegment(s, rv, pv, 1, [u, x]);
          this.moves++;
          return true;
        }
      }
      // 2-opt* variants connecting u and v.
      if (this.twoOptStar(s, pen, ru, rv, pu, pv - 1, false)) return true; // ... u | v ...
      if (this.twoOptStar(s, pen, ru, rv, pu - 1, pv, false)) return true; // ... v | u ...
      if (this.twoOptStar(s, pen, ru, rv, pu, pv, true)) return true; // u-v, x-y
      if (this.twoOptStar(s, pen, ru, rv, pu - 1, pv - 1, true)) return true; // px-py, u-v
      return false;
    }

    // Same route.
    const dist = s.rdist[ru]!;
    const load = s.load[ru]!;
    // Relocate u after or before v.
    if (v !== px) {
      const add = d[v * N + u]! + d[u * N + y]! - d[v * N + y]!;
      const delta =
        clean && removeU + add >= -EPS
          ? 0
          : removeU + add + this.dPen(s, pen, ru, load, dist + removeU + add, Lu);
      if (y !== u && delta < -EPS) {
        this.relocate(s, u, ru, pv + 1);
        return true;
      }
    }
    if (v !== x) {
      const add = d[py * N + u]! + d[u * N + v]! - d[py * N + v]!;
      const delta =
        clean && removeU + add >= -EPS
          ? 0
          : removeU + add + this.dPen(s, pen, ru, load, dist + removeU + add, Lu);
      if (py !== u && delta < -EPS) {
        this.relocate(s, u, ru, pv);
        return true;
      }
    }
    // 2-opt: reverse a segment so that u and v become adjacent (two ways).
    {
      const a = Math.min(pu, pv);
      const b = Math.max(pu, pv);
      const na = au[a]!;
      const nb = au[b]!;
      const na1 = au[a + 1]!; // exists since a < b
      const nb1 = b + 1 < Lu ? au[b + 1]! : 0;
      // Reverse a+1..b: edges (na, nb) and (na1, nb1).
      if (b > a + 1) {
        const delta1 = d[na * N + nb]! + d[na1 * N + nb1]! - d[na * N + na1]! - d[nb * N + nb1]!;
        if ((!clean || delta1 < -EPS) && delta1 + this.dPen(s, pen, ru, load, dist + delta1, Lu) < -EPS) {
          this.reverse(s, ru, a + 1, b);
          return true;
        }
      }
      // Reverse a..b-1: edges (pa, nb1') ... i.e. (prev(na), au[b-1]) and (na, nb).
      const pa = a > 0 ? au[a - 1]! : 0;
      const nbm = au[b - 1]!;
      if (b > a + 1) {
        const delta2 = d[pa * N + nbm]! + d[na * N + nb]! - d[pa * N + na]! - d[nbm * N + nb]!;
        if ((!clean || delta2 < -EPS) && delta2 + this.dPen(s, pen, ru, load, dist + delta2, Lu) < -EPS) {
          this.reverse(s, ru, a, b - 1);
          return true;
        }
      }
    }
    return false;
  }

  /**
   * 2-opt* between routes ru and rv, cutting after index a of ru and after index b of rv
   * (-1 = before the first customer). Plain: ru' = ru[..a] + rv[b+1..], rv' = rv[..b] + ru[a+1..].
   * Reversed: ru' = ru[..a] + reverse(rv[..b]), rv' = reverse(ru[a+1..]) + rv[b+1..].
   */
  private twoOptStar(
    s: Solution,
    pen: Penalty,
    ru: number,
    rv: number,
    a: number,
    b: number,
    reversed: boolean,
  ): boolean {
    const d = s.inst.dist;
    const N = s.N;
    const au = s.routes[ru]!;
    const av = s.routes[rv]!;
    const Lu = s.len[ru]!;
    const Lv = s.len[rv]!;
    const na = a >= 0 ? au[a]! : 0;
    const na1 = a + 1 < Lu ? au[a + 1]! : 0;
    const nbb = b >= 0 ? av[b]! : 0;
    const nb1 = b + 1 < Lv ? av[b + 1]! : 0;
    if (this.clean) {
      const dd = reversed
        ? d[na * N + nbb]! + d[na1 * N + nb1]! - d[na * N + na1]! - d[nbb * N + nb1]!
        : d[na * N + nb1]! + d[nbb * N + na1]! - d[na * N + na1]! - d[nbb * N + nb1]!;
      if (dd >= -EPS) return false;
    }
    const preLu = a >= 0 ? s.cumLoad[na]! : 0;
    const preLv = b >= 0 ? s.cumLoad[nbb]! : 0;
    const preDu = a >= 0 ? s.cumDist[na]! : 0;
    const preDv = b >= 0 ? s.cumDist[nbb]! : 0;
    const postDu = na1 !== 0 ? s.rdist[ru]! - s.cumDist[na1]! : 0;
    const postDv = nb1 !== 0 ? s.rdist[rv]! - s.cumDist[nb1]! : 0;
    const postLu = s.load[ru]! - preLu;
    const postLv = s.load[rv]! - preLv;
    let newDu: number;
    let newDv: number;
    let newLu: number;
    let newLv: number;
    if (!reversed) {
      newDu = preDu + d[na * N + nb1]! + postDv;
      newDv = preDv + d[nbb * N + na1]! + postDu;
      newLu = preLu + postLv;
      newLv = preLv + postLu;
    } else {
      newDu = preDu + d[na * N + nbb]! + preDv;
      newDv = postDu + d[na1 * N + nb1]! + postDv;
      newLu = preLu + preLv;
      newLv = postLu + postLv;
    }
    const delta =
      newDu +
      newDv -
      s.rdist[ru]! -
      s.rdist[rv]! +
      this.dPen(s, pen, ru, newLu, newDu, a + 1 + (reversed ? b + 1 : Lv - b - 1)) +
      this.dPen(s, pen, rv, newLv, newDv, reversed ? Lu - a - 1 + Lv - b - 1 : b + 1 + Lu - a - 1);
    if (!(delta < -EPS)) return false;
    // Build the two new routes in scratch buffers.
    const bu = this.buf;
    const bv = this.buf2;
    let ku = 0;
    let kv = 0;
    for (let i = 0; i <= a; i++) bu[ku++] = au[i]!;
    if (!reversed) {
      for (let i = b + 1; i < Lv; i++) bu[ku++] = av[i]!;
      for (let i = 0; i <= b; i++) bv[kv++] = av[i]!;
      for (let i = a + 1; i < Lu; i++) bv[kv++] = au[i]!;
    } else {
      for (let i = b; i >= 0; i--) bu[ku++] = av[i]!;
      for (let i = Lu - 1; i > a; i--) bv[kv++] = au[i]!;
      for (let i = b + 1; i < Lv; i++) bv[kv++] = av[i]!;
    }
    au.set(bu.subarray(0, ku));
    av.set(bv.subarray(0, kv));
    s.len[ru] = ku;
    s.len[rv] = kv;
    s.updateRoute(ru);
    s.updateRoute(rv);
    this.pushRouteAround(s, ru, a);
    this.pushRouteAround(s, ru, a + 1);
    this.pushRouteAround(s, rv, b);
    this.pushRouteAround(s, rv, b + 1);
    this.push(na);
    this.push(na1);
    this.push(nbb);
    this.push(nb1);
    this.moves++;
    return true;
  }

  /** Moves u to index `pos` of route r (index as before removal of u). */
  private relocate(s: Solution, u: number, r: number, pos: number): void {
    const ru = s.routeOf[u]!;
    const pu = s.posOf[u]!;
    const au = s.routes[ru]!;
    const Lu = s.len[ru]!;
    this.pushRouteAround(s, ru, pu);
    au.copyWithin(pu, pu + 1, Lu);
    s.len[ru] = Lu - 1;
    let p = pos;
    if (r === ru && pos > pu) p--;
    const ar = s.routes[r]!;
    const L = s.len[r]!;
    ar.copyWithin(p + 1, p, L);
    ar[p] = u;
    s.len[r] = L + 1;
    s.updateRoute(ru);
    if (r !== ru) s.updateRoute(r);
    this.pushRouteAround(s, r, p);
    this.moves++;
  }

  /** Moves the consecutive pair (u, x) of one route to index `pos` of another route r. */
  private relocatePair(s: Solution, u: number, x: number, r: number, pos: number, rev: boolean): void {
    const ru = s.routeOf[u]!;
    const pu = s.posOf[u]!;
    const au = s.routes[ru]!;
    const Lu = s.len[ru]!;
    this.pushRouteAround(s, ru, pu);
    this.pushRouteAround(s, ru, pu + 1);
    au.copyWithin(pu, pu + 2, Lu);
    s.len[ru] = Lu - 2;
    const ar = s.routes[r]!;
    const L = s.len[r]!;
    ar.copyWithin(pos + 2, pos, L);
    ar[pos] = rev ? x : u;
    ar[pos + 1] = rev ? u : x;
    s.len[r] = L + 2;
    s.updateRoute(ru);
    s.updateRoute(r);
    this.pushRouteAround(s, r, pos);
    this.pushRouteAround(s, r, pos + 1);
    this.moves++;
  }

  /** Replaces `count` customers at index `pos` of route r by `items`. */
  private replaceSegment(s: Solution, r: number, pos: number, count: number, items: number[]): void {
    const arr = s.routes[r]!;
    const L = s.len[r]!;
    const diff = items.length - count;
    arr.copyWithin(pos + items.length, pos + count, L);
    for (let i = 0; i < items.length; i++) arr[pos + i] = items[i]!;
    s.len[r] = L + diff;
    s.updateRoute(r);
    for (let i = -1; i <= items.length; i++) {
      const j = pos + i;
      if (j >= 0 && j < s.len[r]!) this.push(arr[j]!);
    }
  }

  private reverse(s: Solution, r: number, i: number, j: number): void {
    const arr = s.routes[r]!;
    let a = i;
    let b = j;
    while (a < b) {
      const t = arr[a]!;
      arr[a] = arr[b]!;
      arr[b] = t;
      a++;
      b--;
    }
    s.updateRoute(r);
    this.pushRouteAround(s, r, i);
    this.pushRouteAround(s, r, j);
    this.moves++;
  }
}
