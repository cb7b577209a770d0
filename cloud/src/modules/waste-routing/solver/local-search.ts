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
 *
 * SWAP* (Vidal 2022), when enabled and the instance has coordinates: once the queue is empty,
 * exchange a customer u of route A with a customer v of route B where each goes to its best
 * position in the other route (not necessarily the other's place), for route pairs whose polar
 * sectors around the depot overlap and of which at least one changed since the last pass. A plain
 * swap only puts each in the other's place, and u and v need not be granular neighbours, so these
 * exchanges are out of reach of the moves above. Per pair, each customer's three cheapest
 * insertion positions in the other route are computed once (O(|A||B|)); the best position that
 * survives the removal of the exchanged customer is among them or in that customer's gap.
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
  /** Applied SWAP* moves (also counted in `moves`). */
  swapStarMoves = 0;
  /** Routes changed since the last SWAP* pass (indices valid within one run: compact() renumbers). */
  private readonly touched: Uint8Array;
  private readonly touchedList: Int32Array;
  private nTouched = 0;
  private readonly passList: Int32Array;
  private readonly passMark: Uint8Array;
  /** Polar angle of each customer around the depot (SWAP* sectors); null until first needed. */
  private angle: Float64Array | null = null;
  private readonly secStart: Float64Array;
  private readonly secExt: Float64Array;
  private readonly angBuf: Float64Array;
  /** Top-3 insertion costs / predecessor indices (-1 = after the depot) per customer, SWAP*. */
  private readonly insCost: Float64Array;
  private readonly insPos: Int32Array;

  constructor(
    n: number,
    private readonly nb: Neighbors,
    /** How many nearest customers form the granular neighbourhood. */
    private readonly k: number,
    /** SWAP* between routes with overlapping sectors (needs coordinates; off without them). */
    private readonly swapStar = false,
  ) {
    this.queue = new Int32Array(n + 1);
    this.inQueue = new Uint8Array(n + 1);
    this.buf = new Int32Array(n + 1);
    this.buf2 = new Int32Array(n + 1);
    this.touched = new Uint8Array(n + 1);
    this.touchedList = new Int32Array(n + 1);
    this.passList = new Int32Array(n + 1);
    this.passMark = new Uint8Array(n + 1);
    this.secStart = new Float64Array(n + 1);
    this.secExt = new Float64Array(n + 1);
    this.angBuf = new Float64Array(n + 1);
    this.insCost = new Float64Array(3 * (n + 1));
    this.insPos = new Int32Array(3 * (n + 1));
  }

  /** Recomputes route r's bookkeeping and remembers it for the next SWAP* pass. */
  private update(s: Solution, r: number): void {
    s.updateRoute(r);
    if (this.swapStar) this.touch(r);
  }

  private touch(r: number): void {
    if (this.touched[r]) return;
    this.touched[r] = 1;
    this.touchedList[this.nTouched++] = r;
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

  /**
   * Runs until no queued customer has an improving move (and, with SWAP*, no pair of changed and
   * overlapping routes has an improving SWAP*). The first SWAP* pass looks at the routes the
   * solution marks dirty, i.e. those changed since the caller's last clearDirty().
   */
  run(s: Solution, pen: Penalty, withSwapStar = true): void {
    const star = withSwapStar && this.swapStar && s.inst.coords !== undefined;
    if (star) {
      for (let i = 0; i < this.nTouched; i++) this.touched[this.touchedList[i]!] = 0;
      this.nTouched = 0;
      for (let i = 0; i < s.dirtyCount; i++) this.touch(s.dirtyRoute(i));
    }
    for (;;) {
      this.drain(s, pen);
      if (!star || !this.swapStarPass(s, pen)) break;
    }
    s.compact();
  }

  private drain(s: Solution, pen: Penalty): void {
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
  }

  /** Smallest arc [secStart, secStart + secExt] (radians) holding the angles of route r. */
  private sector(s: Solution, r: number): void {
    const arr = s.routes[r]!;
    const L = s.len[r]!;
    const ang = this.angle!;
    const b = this.angBuf;
    for (let i = 0; i < L; i++) b[i] = ang[arr[i]!]!;
    const sorted = b.subarray(0, L).sort();
    // The arc is the circle minus its largest gap between consecutive angles.
    let gap = sorted[0]! + 2 * Math.PI - sorted[L - 1]!;
    let start = sorted[0]!;
    for (let i = 1; i < L; i++) {
      const g = sorted[i]! - sorted[i - 1]!;
      if (g > gap) {
        gap = g;
        start = sorted[i]!;
      }
    }
    this.secStart[r] = start;
    this.secExt[r] = 2 * Math.PI - gap;
  }

  private overlap(r1: number, r2: number): boolean {
    const TWO_PI = 2 * Math.PI;
    const a = this.secStart[r1]!;
    const b = this.secStart[r2]!;
    const da = (((b - a) % TWO_PI) + TWO_PI) % TWO_PI;
    const db = (((a - b) % TWO_PI) + TWO_PI) % TWO_PI;
    // Small tolerance: routes that merely touch at a sector edge are still worth a try.
    return da <= this.secExt[r1]! + 1e-3 || db <= this.secExt[r2]! + 1e-3;
  }

  /** One SWAP* pass over the routes changed since the last one; true when a move was applied. */
  private swapStarPass(s: Solution, pen: Penalty): boolean {
    if (!this.angle) {
      const c = s.inst.coords!;
      const ang = new Float64Array(s.N);
      for (let i = 1; i < s.N; i++) ang[i] = Math.atan2(c[2 * i + 1]! - c[1]!, c[2 * i]! - c[0]!);
      this.angle = ang;
    }
    const R = s.nRoutes;
    for (let r = 0; r < R; r++) if (s.len[r]! > 0) this.sector(s, r);
    // Snapshot the changed routes and start recording afresh: moves made now mark their routes
    // for the next pass.
    const nList = this.nTouched;
    const list = this.passList;
    const was = this.passMark;
    for (let i = 0; i < nList; i++) {
      const r = this.touchedList[i]!;
      list[i] = r;
      was[r] = 1;
      this.touched[r] = 0;
    }
    this.nTouched = 0;
    let improved = false;
    for (let li = 0; li < nList; li++) {
      const r1 = list[li]!;
      if (r1 >= R || s.len[r1]! === 0) continue;
      for (let r2 = 0; r2 < R; r2++) {
        // A pair of two changed routes is tried once (from the smaller index).
        if (r2 === r1 || s.len[r2]! === 0 || (was[r2] && r2 < r1)) continue;
        if (!this.overlap(r1, r2)) continue;
        if (this.trySwapStar(s, pen, r1, r2)) {
          improved = true;
          if (s.len[r1]! === 0) break;
          this.sector(s, r1);
          this.sector(s, r2);
        }
      }
    }
    for (let i = 0; i < nList; i++) was[list[i]!] = 0;
    return improved;
  }

  /** Fills the three cheapest insertion positions of each customer of route `from` into `into`. */
  private topInsertions(s: Solution, from: number, into: number): void {
    const d = s.inst.dist;
    const N = s.N;
    const af = s.routes[from]!;
    const ai = s.routes[into]!;
    const Lf = s.len[from]!;
    const Li = s.len[into]!;
    const cost = this.insCost;
    const pos = this.insPos;
    for (let k = 0; k < Lf; k++) {
      const u = af[k]!;
      let c0 = Number.POSITIVE_INFINITY;
      let c1 = c0;
      let c2 = c0;
      let p0 = -2;
      let p1 = -2;
      let p2 = -2;
      let prev = 0;
      for (let i = -1; i < Li; i++) {
        const next = i + 1 < Li ? ai[i + 1]! : 0;
        const c = d[prev * N + u]! + d[u * N + next]! - d[prev * N + next]!;
        if (c < c2) {
          if (c < c1) {
            c2 = c1;
            p2 = p1;
            if (c < c0) {
              c1 = c0;
              p1 = p0;
              c0 = c;
              p0 = i;
            } else {
              c1 = c;
              p1 = i;
            }
          } else {
            c2 = c;
            p2 = i;
          }
        }
        prev = next;
      }
      cost[3 * u] = c0;
      cost[3 * u + 1] = c1;
      cost[3 * u + 2] = c2;
      pos[3 * u] = p0;
      pos[3 * u + 1] = p1;
      pos[3 * u + 2] = p2;
    }
  }

  /**
   * Cheapest insertion of u into route r once the customer at index j has left it: the gap j
   * leaves, or the first of u's top-3 positions whose edge does not touch index j. Returns the
   * cost; the position (predecessor index in the current route, or -3 for j's gap) goes to bestPos.
   */
  private bestPos = 0;
  private insertWithout(s: Solution, u: number, r: number, j: number): number {
    const d = s.inst.dist;
    const N = s.N;
    const arr = s.routes[r]!;
    const L = s.len[r]!;
    const prev = j > 0 ? arr[j - 1]! : 0;
    const next = j + 1 < L ? arr[j + 1]! : 0;
    let best = d[prev * N + u]! + d[u * N + next]! - d[prev * N + next]!;
    this.bestPos = -3;
    for (let k = 0; k < 3; k++) {
      const p = this.insPos[3 * u + k]!;
      if (p === -2) break;
      if (p === j - 1 || p === j) continue;
      const c = this.insCost[3 * u + k]!;
      if (c < best) {
        best = c;
        this.bestPos = p;
      }
      break;
    }
    return best;
  }

  /** Best SWAP* between routes r1 and r2, applied when it improves; true if applied. */
  private trySwapStar(s: Solution, pen: Penalty, r1: number, r2: number): boolean {
    const d = s.inst.dist;
    const N = s.N;
    const q = s.inst.demand;
    const a1 = s.routes[r1]!;
    const a2 = s.routes[r2]!;
    const L1 = s.len[r1]!;
    const L2 = s.len[r2]!;
    const load1 = s.load[r1]!;
    const load2 = s.load[r2]!;
    const dist1 = s.rdist[r1]!;
    const dist2 = s.rdist[r2]!;
    const pen1 = pen.of(load1, dist1, L1);
    const pen2 = pen.of(load2, dist2, L2);
    const clean = pen1 === 0 && pen2 === 0;
    const lpen1 = pen.of(load1, 0, L1);
    const lpen2 = pen.of(load2, 0, L2);
    this.topInsertions(s, r1, r2);
    this.topInsertions(s, r2, r1);
    let bestDelta = -EPS;
    let bi = -1;
    let bj = -1;
    let bPosU = 0;
    let bPosV = 0;
    for (let i = 0; i < L1; i++) {
      const u = a1[i]!;
      const pu = i > 0 ? a1[i - 1]! : 0;
      const nu = i + 1 < L1 ? a1[i + 1]! : 0;
      const remU = d[pu * N + nu]! - d[pu * N + u]! - d[u * N + nu]!;
      const qu = q[u]!;
      for (let j = 0; j < L2; j++) {
        const v = a2[j]!;
        const qv = q[v]!;
        const pv = j > 0 ? a2[j - 1]! : 0;
        const nv = j + 1 < L2 ? a2[j + 1]! : 0;
        const remV = d[pv * N + nv]! - d[pv * N + v]! - d[v * N + nv]!;
        // Loads after the exchange do not depend on positions; with insertion costs >= 0
        // (triangle inequality) a load penalty change that the removal gains do not pay for
        // rules the pair out before the insertions are looked at (as in HGS).
        const lp =
          pen.of(load1 - qu + qv, 0, L1) - lpen1 + pen.of(load2 - qv + qu, 0, L2) - lpen2 + remU + remV;
        if (lp >= 0) continue;
        const insU = this.insertWithout(s, u, r2, j);
        const posU = this.bestPos;
        const insV = this.insertWithout(s, v, r1, i);
        const posV = this.bestPos;
        const d1 = remU + insV;
        const d2 = remV + insU;
        if (clean && d1 + d2 >= bestDelta) continue;
        const p1 = pen.of(load1 - qu + qv, dist1 + d1, L1) - pen1;
        const delta = d1 + d2 + p1 + pen.of(load2 - qv + qu, dist2 + d2, L2) - pen2;
        if (delta < bestDelta) {
          bestDelta = delta;
          bi = i;
          bj = j;
          bPosU = posU;
          bPosV = posV;
        }
      }
    }
    if (bi < 0) return false;
    const u = a1[bi]!;
    const v = a2[bj]!;
    // Old neighbours of u and v lose an edge: queue them for the ordinary moves.
    this.push(bi > 0 ? a1[bi - 1]! : 0);
    this.push(bi + 1 < L1 ? a1[bi + 1]! : 0);
    this.push(bj > 0 ? a2[bj - 1]! : 0);
    this.push(bj + 1 < L2 ? a2[bj + 1]! : 0);
    this.exchangeInto(a1, L1, bi, v, bPosV);
    this.exchangeInto(a2, L2, bj, u, bPosU);
    this.update(s, r1);
    this.update(s, r2);
    this.pushRouteAround(s, r1, s.posOf[v]!);
    this.pushRouteAround(s, r2, s.posOf[u]!);
    this.moves++;
    this.swapStarMoves++;
    return true;
  }

  /**
   * Route arr (length L) loses its customer at index i and gains c after index p (-1: first;
   * -3: in i's place). Length unchanged.
   */
  private exchangeInto(arr: Int32Array, L: number, i: number, c: number, p: number): void {
    if (p === -3) {
      arr[i] = c;
      return;
    }
    const b = this.buf;
    let k = 0;
    if (p === -1) b[k++] = c;
    for (let t = 0; t < L; t++) {
      if (t !== i) b[k++] = arr[t]!;
      if (t === p) b[k++] = c;
    }
    for (let t = 0; t < L; t++) arr[t] = b[t]!;
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
    this.update(s, r);
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
          this.update(s, ru);
          this.update(s, rv);
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
    this.update(s, ru);
    this.update(s, rv);
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
    this.update(s, ru);
    if (r !== ru) this.update(s, r);
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
    this.update(s, ru);
    this.update(s, r);
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
    this.update(s, r);
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
    this.update(s, r);
    this.pushRouteAround(s, r, i);
    this.pushRouteAround(s, r, j);
    this.moves++;
  }
}
