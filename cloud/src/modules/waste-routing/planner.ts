/**
 * One round's plan (pure): bins in, truck routes with dump trips and arrival times out.
 *
 * Multi-trip model. A truck leaves the depot, collects until full, unloads at the dump, goes out
 * again, and after its last unloading returns to the depot. The solver's depot is the *dump*, so
 * each solver route is one trip dump -> bins -> dump with the truck's capacity; the number of
 * trips is free. Trips are then packed into trucks (first-fit decreasing on duration against the
 * shift length): since dump -> next bin is never longer than dump -> depot -> next bin (triangle
 * inequality), fewer trucks doing more trips drive fewer km, so the packing fills shifts first.
 * A truck's first trip starts at the depot instead of the dump; we pick for it the trip and
 * direction that gain most from that. When depot and dump are the same place this is exact; when
 * they are apart the first-trip start is optimised after the search rather than during it.
 *
 * A re-plan passes the trucks already out (`trucksOut`): each continues from its last reported stop
 * with what it carries. For the search, a loaded truck out is a mandatory stop at its position
 * holding its load (far from the other trucks out): the solver's trip through it is the rest of
 * that truck's current trip, within the room it has left, and goes to that truck first (tripsFirst
 * counts the load as mandatory litres, so the room is topped up). An empty truck out starts its
 * first trip from where it is, like a truck from the depot; one whose load leaves no trip room
 * unloads first. Shifts are still counted from the re-plan, not from the truck's start.
 *
 * The solver assumes symmetric distances; a road matrix is symmetrised for the search and each
 * trip is then driven in whichever direction the real (asymmetric) matrix makes shorter.
 */
import { buildTravel, type GeoPoint, offRoadMatrix, type RoadMatrix, type Travel } from './geo.js';
import { type LevelTripsOptions, levelTrips } from './selection.js';
import { createInstance, solve } from './solver/index.js';

export interface FleetConfig {
  depot: GeoPoint;
  dump: GeoPoint;
  vehicleIds: readonly string[];
  /** Loose waste a truck takes before it must unload, litres. */
  capacityLiters: number;
  shiftMinutes: number;
  speedKmh: number;
  /** Road km per straight-line km when no road matrix is given. */
  detourFactor: number;
  /** Minutes at each bin (positioning, lifting, emptying). */
  serviceMinutes: number;
  /** Minutes to unload at the dump. */
  dumpMinutes: number;
}

export interface StopInput {
  binId: string;
  /** Location id in a road matrix when it is not binId. */
  locationId?: string;
  at: GeoPoint;
  volumeLiters: number;
  forecastPct: number;
  /** Skip penalty in metres for an optional bin; undefined: mandatory. */
  prizeM?: number;
  /** Forecast level at the following round (%), for `tripsFirst` (default: forecastPct). */
  nextRoundPct?: number;
  /** `tripsFirst`: an optional bin holding less is left (selection.ts levelTrips). */
  keepLiters?: number;
  /**
   * Litres forecast at an instant (ms). Given, planRound plans twice: the second time with each
   * bin's litres at its arrival in the first plan, since bins keep filling while the trucks work
   * (later trips of a day otherwise leave fuller than planned, up to +8 % of a payload on eval:waste).
   */
  volumeAt?: (at: number) => number;
}

/** A truck already on its way when a round is re-planned. */
export interface TruckOut {
  vehicleId: string;
  /** Where it is: its last reported stop. */
  at: GeoPoint;
  /** The location's id in a road matrix (the bin's id). */
  locationId: string;
  /** Litres on board: collected since its last unloading. */
  loadLiters: number;
}

export interface PlanRequest {
  stops: readonly StopInput[];
  fleet: FleetConfig;
  /**
   * Trucks already out (a re-plan): each goes on from its position with its load, and is in the
   * plan even with nothing left to collect (it still unloads and drives home). Used first.
   */
  trucksOut?: readonly TruckOut[];
  /** When the trucks leave the depot (ms). */
  startAt: number;
  road?: RoadMatrix;
  /** Wall-clock budget (default 2 s; none when maxIterations is given: reproducible plans). */
  timeLimitMs?: number;
  maxIterations?: number;
  /**
   * Trip-count-first (selection.ts levelTrips): the mandatory stops fix the trips, optional stops
   * only top them up to the payload, at prizes of `prizeShare` x their share of a trip's haul
   * (replacing their own prizeM). Left optional stops are reported as skipped.
   */
  tripsFirst?: boolean | TripsFirstOptions;
  seed?: number;
  onProgress?: (bestObjective: number, elapsedMs: number, iteration: number) => void;
  /** Warm start: trips as bin id lists (e.g. the pending part of the current plan). */
  initialTrips?: readonly (readonly string[])[];
}

/** PlanRequest.tripsFirst's options: levelTrips' own, and the trips' optional tails. */
export interface TripsFirstOptions extends Omit<LevelTripsOptions, 'tripLiters' | 'tripCostM'> {
  /**
   * Optional tails: after the solver (which fills each trip to the planned payload,
   * `fleet.capacityLiters`), each trip gets optional bins appended after its last bin, before the
   * dump, while its forecast litres stay within `tailLiters` (e.g. 110 % of the truck's real
   * payload) and the bin is worth its detour (levelTrips' prize). The crew skips such a stop when
   * the truck is full (skip reason `truck_full`, optional stops only), so a trip leaves the
   * community as full as the real waste allows instead of at the planned share. Not for a truck
   * out with a load (its trip's room is its own). Unset: no tails.
   */
  tailLiters?: number;
}

export interface PlannedVisit {
  kind: 'bin' | 'dump' | 'depot';
  binId?: string;
  /** A bin the round may leave (not forecast to need this round): skipped when the truck is full. */
  optional?: boolean;
  /** Trip number within the truck's day (0-based); dump visits close a trip. */
  trip: number;
  arrivalAt: number;
  forecastPct?: number;
  /** A bin's litres as planned: its forecast at the planned arrival (truck-room.ts crew rule). */
  plannedLiters?: number;
  /** Load on board after this visit. */
  loadLiters: number;
}

export interface TruckRoute {
  vehicleId: string;
  visits: PlannedVisit[];
  distanceM: number;
  durationMin: number;
  /** Minutes beyond the shift (0 when it fits): more work than the fleet's shifts hold. */
  overShiftMin: number;
}

export interface Plan {
  trucks: TruckRoute[];
  /** Optional bins the solver found not worth the detour. */
  skipped: string[];
  distanceM: number;
  iterations: number;
  elapsedMs: number;
}

/**
 * Node layout of the travel matrices: 0 = dump, 1..n = stops, n + 1 = depot (depotNode), then
 * n + 2 + k = the position of trucksOut[k] (startNode).
 */
export function travelFor(req: TravelRequest): Travel {
  return buildTravel(travelPoints(req), req.fleet, req.road);
}

type TravelRequest = Pick<PlanRequest, 'stops' | 'fleet' | 'road' | 'trucksOut'>;

function travelPoints(req: TravelRequest) {
  return [
    { id: 'dump', at: req.fleet.dump },
    ...req.stops.map((s) => ({ id: s.locationId ?? s.binId, at: s.at })),
    { id: 'depot', at: req.fleet.depot },
    ...(req.trucksOut ?? []).map((t) => ({ id: t.locationId, at: t.at })),
  ];
}

/** Locations of a request its road matrix lacks: travelFor reaches them on straight-line distance x detour. */
export const locationsOffRoadMatrix = (req: TravelRequest): string[] =>
  offRoadMatrix(travelPoints(req), req.road);

export const depotNode = (req: Pick<PlanRequest, 'stops'>) => req.stops.length + 1;

/** Where a truck's pending route starts: its position when it is out, else the depot. */
export function startNode(req: Pick<PlanRequest, 'stops' | 'trucksOut'>, vehicleId: string): number {
  const k = (req.trucksOut ?? []).findIndex((t) => t.vehicleId === vehicleId);
  return k < 0 ? depotNode(req) : depotNode(req) + 1 + k;
}

interface Trip {
  nodes: number[];
  load: number;
  /** Minutes as a middle trip: dump -> bins -> dump, service and unloading included. */
  minutes: number;
}

export function planRound(req: PlanRequest): Plan {
  if (!req.stops.some((s) => s.volumeAt)) return planSelected(req);
  // A quick first plan for the arrival times (a quarter of the budget), then the real one on the
  // litres at those times, warm-started from the first plan's trips.
  const iterations = req.maxIterations;
  const first = planSelected({
    ...req,
    ...(iterations !== undefined ? { maxIterations: Math.max(1, Math.round(iterations / 4)) } : {}),
    ...(req.timeLimitMs !== undefined ? { timeLimitMs: req.timeLimitMs / 4 } : {}),
  });
  const arrival = new Map<string, number>();
  const trips: string[][] = [];
  for (const t of first.trucks) {
    let trip: string[] = [];
    for (const v of t.visits) {
      if (v.kind === 'bin' && v.binId !== undefined) {
        arrival.set(v.binId, v.arrivalAt);
        trip.push(v.binId);
      } else if (trip.length > 0) {
        trips.push(trip);
        trip = [];
      }
    }
  }
  // A bin the first plan left: its litres at the mean arrival (it may join any trip).
  const times = [...arrival.values()];
  const meanAt = times.length > 0 ? times.reduce((a, b) => a + b, 0) / times.length : req.startAt;
  const stops = req.stops.map((s) =>
    s.volumeAt
      ? { ...s, volumeLiters: Math.max(s.volumeLiters, s.volumeAt(arrival.get(s.binId) ?? meanAt)) }
      : s,
  );
  return planSelected({ ...req, stops, ...(trips.length > 0 ? { initialTrips: trips } : {}) });
}

function planSelected(req: PlanRequest): Plan {
  if (!req.tripsFirst) return planStops(req);
  const tripCostM = haulM(req);
  const level = levelTrips(
    [
      ...req.stops.map((s) => ({
        binId: s.binId,
        mandatory: s.prizeM === undefined,
        volumeLiters: Math.min(req.fleet.capacityLiters, s.volumeLiters),
        nextRoundPct: s.nextRoundPct ?? s.forecastPct,
        ...(s.keepLiters !== undefined ? { keepLiters: s.keepLiters } : {}),
      })),
      // A loaded truck out is a trip already under way: its load counts like a mandatory bin's.
      ...carriedStops(req).map((c) => ({
        binId: c.binId,
        mandatory: true,
        volumeLiters: c.volumeLiters,
        nextRoundPct: 0,
      })),
    ],
    {
      ...(req.tripsFirst === true ? {} : req.tripsFirst),
      tripLiters: req.fleet.capacityLiters,
      tripCostM,
    },
  );
  const stops: StopInput[] = [];
  const levelled: StopInput[] = [];
  const left: string[] = [];
  for (const s of req.stops) {
    const prize = level.prizes.get(s.binId);
    if (s.prizeM === undefined) {
      stops.push(s);
      levelled.push(s);
    } else if (prize !== undefined) {
      // An optional bin keeps its own prize when higher (e.g. a point mate, whose detour is nil):
      // the trip limit, not the prize, keeps it from opening a trip.
      stops.push({ ...s, prizeM: Math.max(prize, s.prizeM) });
      levelled.push({ ...s, prizeM: prize });
    } else left.push(s.binId);
  }
  const tail = tailOf(req, left, tripCostM);
  // At most level.trips trips, so top-ups fill them and never open one.
  const limited = planStops({ ...req, stops }, level.trips, tail);
  // Mandatory bins that do not pack into them (or the solver's fixed-fleet failure, see
  // solveTrips): any number of trips, with the levelled prizes only, which together stay below
  // one trip's haul, so the extra trips are the mandatory bins' own.
  const plan = limited ?? planStops({ ...req, stops: levelled }, undefined, tail);
  const tailed = new Set(
    plan.trucks.flatMap((t) => t.visits.flatMap((v) => (v.binId !== undefined ? [v.binId] : []))),
  );
  return { ...plan, skipped: [...left.filter((id) => !tailed.has(id)), ...plan.skipped] };
}

/** Optional tails of a trips-first plan (TripsFirstOptions.tailLiters). */
interface Tail {
  /** Litres a trip may be planned to with its tail. */
  liters: number;
  /** Optional bins the solver was not offered (levelTrips left them), still tail candidates. */
  stops: StopInput[];
  /** Metres a tail bin is worth (levelTrips' prize for its litres). */
  worthM: (volumeLiters: number) => number;
}

function tailOf(req: PlanRequest, left: readonly string[], tripCostM: number): Tail | undefined {
  const o = typeof req.tripsFirst === 'object' ? req.tripsFirst : undefined;
  if (!o?.tailLiters) return undefined;
  const leftIds = new Set(left);
  const share = o.prizeShare ?? 0.8;
  return {
    liters: o.tailLiters,
    // Bins under their keepLiters stay left, as levelTrips leaves them.
    stops: req.stops.filter(
      (s) => leftIds.has(s.binId) && s.volumeLiters > 0 && s.volumeLiters >= (s.keepLiters ?? 0),
    ),
    worthM: (v) => (share * tripCostM * Math.min(v, req.fleet.capacityLiters)) / req.fleet.capacityLiters,
  };
}

/**
 * Metres of one trip's haul: dump -> stop -> dump, for the median stop (the km an extra trip to
 * the station costs, whatever it collects).
 */
export function haulM(req: Pick<PlanRequest, 'stops' | 'fleet' | 'road'>): number {
  if (req.stops.length === 0) return 0;
  const tr = travelFor(req);
  const N = tr.size;
  const legs = req.stops.map((_, i) => tr.dist[i + 1]! + tr.dist[(i + 1) * N]!).sort((a, b) => a - b);
  return legs[Math.floor(legs.length / 2)]!;
}

/** The load of each loaded truck out, as a stop at its position (see the file comment). */
function carriedStops(req: Pick<PlanRequest, 'trucksOut' | 'fleet'>): (StopInput & { vehicleId: string })[] {
  return (req.trucksOut ?? [])
    .filter((t) => t.loadLiters > 0)
    .map((t) => ({
      vehicleId: t.vehicleId,
      binId: `carried:${t.vehicleId}`,
      locationId: t.locationId,
      at: t.at,
      volumeLiters: Math.min(req.fleet.capacityLiters, t.loadLiters),
      forecastPct: 0,
    }));
}

function planStops(outer: PlanRequest, maxTrips?: undefined, tail?: Tail): Plan;
function planStops(outer: PlanRequest, maxTrips: number | undefined, tail?: Tail): Plan | undefined;
function planStops(outer: PlanRequest, maxTrips?: number, tail?: Tail): Plan | undefined {
  const n = outer.stops.length;
  if (n === 0 && !outer.trucksOut?.length)
    return { trucks: [], skipped: [], distanceM: 0, iterations: 0, elapsedMs: 0 };
  // Loaded trucks out become stops n + 1.. of the search (node layout of travelFor on `req`).
  const carried = carriedStops(outer);
  const search: PlanRequest = carried.length > 0 ? { ...outer, stops: [...outer.stops, ...carried] } : outer;
  const carriedNode = new Map(carried.map((c, k) => [n + 1 + k, c.vehicleId]));
  // Tail candidates the solver is not offered come after them (the search's nodes keep their
  // numbers; only the depot and trucks out move, and everything after the search uses `req`).
  const extra = tail?.stops ?? [];
  const req: PlanRequest = extra.length > 0 ? { ...search, stops: [...search.stops, ...extra] } : search;
  const trSearch = travelFor(search);
  const tr = extra.length > 0 ? travelFor(req) : trSearch;
  const trips =
    search.stops.length === 0
      ? { routes: [], iterations: 0, elapsedMs: 0 }
      : solveTrips(search, trSearch, maxTrips, carriedNode);
  if (!trips) return undefined;
  // A trip through a truck's load is the rest of that truck's current trip, from where it is.
  const continued = new Map<string, Trip>();
  const tripList: Trip[] = [];
  for (const nodes of trips.routes) {
    const own = nodes.filter((c) => carriedNode.has(c));
    const first = own.find((c) => !continued.has(carriedNode.get(c)!));
    // Other trucks' loads in the same trip (the search keeps them apart; should it not), those
    // trucks unload first or start with a trip their load leaves room for (chooseFirstTrip).
    const bins = nodes.filter((c) => !carriedNode.has(c));
    if (first === undefined) tripList.push(orientTrip(bins, tr, req));
    else continued.set(carriedNode.get(first)!, continueTrip(nodes, first, carriedNode, tr, req));
  }
  const packed = packTrips(tripList, tr, req, continued);
  const routed = new Set(trips.routes.flat());
  if (tail) {
    // Candidates: optional bins the solver left, and those it was not offered.
    const candidates = [
      ...outer.stops.flatMap((s, i) => (s.prizeM !== undefined && !routed.has(i + 1) ? [i + 1] : [])),
      ...extra.map((_, k) => search.stops.length + 1 + k),
    ].filter((c) => req.stops[c - 1]!.volumeLiters > 0);
    for (const c of appendTails(packed, candidates, tail, tr, req)) routed.add(c);
  }
  const skipped = outer.stops.filter((_, i) => !routed.has(i + 1)).map((s) => s.binId);
  const trucks = packed.map((t) => driveTruck(t, tr, req));
  return {
    trucks,
    skipped,
    distanceM: trucks.reduce((s, t) => s + t.distanceM, 0),
    iterations: trips.iterations,
    elapsedMs: trips.elapsedMs,
  };
}

/**
 * The solver's trips; with `maxTrips`, at most that many, or undefined when it finds no feasible
 * plan within them. Should the solver throw 'no route available for insertion' (recreate: a
 * mandatory customer finds no route and a full fixed fleet cannot open one; seen with 1-2 routes
 * before the blink fix, solver/README.md), that too counts as "does not fit", not as a failure.
 */
function solveTrips(
  req: PlanRequest,
  tr: Travel,
  maxTrips?: number,
  carried: ReadonlyMap<number, string> = new Map(),
) {
  const N = tr.size;
  const cap = req.fleet.capacityLiters;
  // Search matrix over dump + stops, symmetrised (see the file comment). A truck's load stands
  // where the truck is; the search's dump -> load leg, not driven, adds the same metres to the
  // trip however it is filled (when the load is next to the dump in the cycle, as it usually is:
  // otherwise continueTrip reorders). One trip cannot hold two trucks' loads.
  const sym = (i: number, j: number) =>
    carried.has(i) && carried.has(j) ? 1e7 : (tr.dist[i * N + j]! + tr.dist[j * N + i]!) / 2;
  const demand = [0, ...req.stops.map((s) => Math.min(cap, Math.max(0, s.volumeLiters)))];
  const skip = [Number.POSITIVE_INFINITY, ...req.stops.map((s) => s.prizeM ?? Number.POSITIVE_INFINITY)];
  const inst = createInstance({
    name: 'round',
    distance: (i, j) => (i === j ? 0 : sym(i, j)),
    demand,
    capacity: cap,
    fleet: maxTrips === undefined ? { kind: 'unlimited' } : { kind: 'max', count: Math.max(1, maxTrips) },
    skipPenalty: skip,
  });
  const index = new Map(req.stops.map((s, i) => [s.binId, i + 1]));
  const initialRoutes = req.initialTrips
    ?.map((t) => t.map((id) => index.get(id)).filter((c): c is number => c !== undefined))
    .filter((t) => t.length > 0);
  const run = () =>
    solve(inst, {
      timeLimitMs: req.timeLimitMs ?? (req.maxIterations !== undefined ? Number.POSITIVE_INFINITY : 2000),
      ...(req.maxIterations !== undefined ? { maxIterations: req.maxIterations } : {}),
      seed: req.seed ?? 1,
      // One search, no probes: on eval:waste the probes made the fixed daily round (all bins
      // mandatory) 28 km longer on seed 5 and 4-8 km shorter on seeds 1 and 3: not a gain here.
      params: { probes: 1 },
      ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      ...(initialRoutes && initialRoutes.length > 0 ? { initialRoutes } : {}),
    });
  if (maxTrips === undefined) return run();
  try {
    const r = run();
    return r.feasible ? r : undefined;
  } catch (e) {
    if (e instanceof Error && e.message === 'no route available for insertion') return undefined;
    throw e;
  }
}

/**
 * Optional tails (TripsFirstOptions.tailLiters): appends candidates after trips' last bins, before
 * their dump, best net gain (worth - detour) first over all trips, while a trip's forecast litres
 * stay within `tail.liters` and its truck's day within the shift (a tail bin delays everything
 * after it by its detour and service minutes). A truck out's first trip counts the load it has on
 * board. Returns the nodes appended.
 */
function appendTails(
  plans: TruckPlan[],
  candidates: readonly number[],
  tail: Tail,
  tr: Travel,
  req: PlanRequest,
): number[] {
  const N = tr.size;
  const cap = req.fleet.capacityLiters;
  const volume = (c: number) => Math.min(cap, req.stops[c - 1]!.volumeLiters);
  // A truck out that does not unload first drives its first trip with its load on board.
  const open = plans.flatMap((p) =>
    p.trips.flatMap((trip, i) =>
      trip.nodes.length === 0 ? [] : [{ p, i, onboard: i === 0 && !p.unloadFirst ? p.onboard : 0 }],
    ),
  );
  // Minutes each truck's day may still grow (none for a truck the packer already put over).
  const slack = new Map(plans.map((p) => [p, req.fleet.shiftMinutes - driveTruck(p, tr, req).durationMin]));
  const extraMinutes = (last: number, c: number) =>
    (tr.time[last * N + c]! + tr.time[c * N]! - tr.time[last * N]!) / 60 + req.fleet.serviceMinutes;
  const free = new Set(candidates);
  const added: number[] = [];
  for (;;) {
    let best: { k: number; c: number; gain: number } | undefined;
    open.forEach(({ p, i, onboard }, k) => {
      const trip = p.trips[i]!;
      const last = trip.nodes.at(-1)!;
      for (const c of free) {
        if (onboard + trip.load + volume(c) > tail.liters + 1e-9) continue;
        if (extraMinutes(last, c) > slack.get(p)! + 1e-9) continue;
        const detour = tr.dist[last * N + c]! + tr.dist[c * N]! - tr.dist[last * N]!;
        const gain = tail.worthM(volume(c)) - detour;
        if (gain > 0 && (!best || gain > best.gain)) best = { k, c, gain };
      }
    });
    if (!best) return added;
    const { p, i } = open[best.k]!;
    const trip = p.trips[i]!;
    const last = trip.nodes.at(-1)!;
    const c = best.c;
    const minutes = extraMinutes(last, c);
    p.trips[i] = { nodes: [...trip.nodes, c], load: trip.load + volume(c), minutes: trip.minutes + minutes };
    slack.set(p, slack.get(p)! - minutes);
    free.delete(c);
    added.push(c);
  }
}

function pathDist(tr: Travel, nodes: readonly number[], from: number, to: number): number {
  let d = 0;
  let prev = from;
  for (const c of nodes) {
    d += tr.dist[prev * tr.size + c]!;
    prev = c;
  }
  return d + tr.dist[prev * tr.size + to]!;
}

function pathMinutes(
  tr: Travel,
  nodes: readonly number[],
  from: number,
  to: number,
  req: PlanRequest,
): number {
  let s = 0;
  let prev = from;
  for (const c of nodes) {
    s += tr.time[prev * tr.size + c]!;
    prev = c;
  }
  s += tr.time[prev * tr.size + to]!;
  return s / 60 + nodes.length * req.fleet.serviceMinutes + req.fleet.dumpMinutes;
}

/**
 * The rest of a loaded truck's trip: from its load's node `at` (where the truck is), the trip's
 * other bins in whichever order of the search's cycle is shorter, then the dump.
 */
function continueTrip(
  nodes: readonly number[],
  at: number,
  carried: ReadonlyMap<number, string>,
  tr: Travel,
  req: PlanRequest,
): Trip {
  const i = nodes.indexOf(at);
  const before = nodes.slice(0, i).filter((c) => !carried.has(c));
  const after = nodes.slice(i + 1).filter((c) => !carried.has(c));
  const options = [
    [...after, ...[...before].reverse()],
    [...[...before].reverse(), ...after],
  ];
  const best =
    pathDist(tr, options[1]!, at, 0) < pathDist(tr, options[0]!, at, 0) - 1e-9 ? options[1]! : options[0]!;
  const load = best.reduce(
    (s, c) => s + Math.min(req.fleet.capacityLiters, req.stops[c - 1]!.volumeLiters),
    0,
  );
  return { nodes: best, load, minutes: pathMinutes(tr, best, at, 0, req) };
}

/** Drives a trip in its shorter direction on the real matrix. */
function orientTrip(nodes: number[], tr: Travel, req: PlanRequest): Trip {
  const rev = [...nodes].reverse();
  const best = pathDist(tr, rev, 0, 0) < pathDist(tr, nodes, 0, 0) - 1e-9 ? rev : nodes;
  const load = best.reduce(
    (s, c) => s + Math.min(req.fleet.capacityLiters, req.stops[c - 1]!.volumeLiters),
    0,
  );
  return { nodes: best, load, minutes: pathMinutes(tr, best, 0, 0, req) };
}

/** A truck's work: its trips, first trip first, and where and with what load it starts. */
interface TruckPlan {
  vehicleId: string;
  trips: Trip[];
  from: number;
  onboard: number;
  /** Drives to the dump before its first trip (its load leaves no room for any trip's bins). */
  unloadFirst: boolean;
}

/**
 * First-fit decreasing of trips into shifts (trucks already out first, in their own vehicles);
 * returns each truck's trips, first trip first.
 */
function packTrips(
  trips: Trip[],
  tr: Travel,
  req: PlanRequest,
  continued: ReadonlyMap<string, Trip> = new Map(),
): TruckPlan[] {
  const depot = depotNode(req);
  const { shiftMinutes } = req.fleet;
  const out = req.trucksOut ?? [];
  const vehicleIds = [
    ...out.map((t) => t.vehicleId),
    ...req.fleet.vehicleIds.filter((id) => !out.some((t) => t.vehicleId === id)),
  ];
  if (vehicleIds.length === 0) throw new Error('no vehicles');
  // Depot -> dump and back bounds the difference between a truck's day and its middle trips.
  const overhead = (tr.time[depot * tr.size]! + tr.time[depot]!) / 60;
  // A loaded truck out starts with the rest of its current trip.
  const trucks: { trips: Trip[]; minutes: number }[] = out.map((t) => {
    const rest = continued.get(t.vehicleId);
    return rest ? { trips: [rest], minutes: rest.minutes } : { trips: [], minutes: 0 };
  });
  for (const trip of [...trips].sort((a, b) => b.minutes - a.minutes)) {
    let home = trucks.find((t) => t.minutes + trip.minutes + overhead <= shiftMinutes);
    if (!home && trucks.length < vehicleIds.length) {
      home = { trips: [], minutes: 0 };
      trucks.push(home);
    }
    // Every shift is full: the least loaded truck works over (reported as overShiftMin).
    home ??= trucks.reduce((a, b) => (b.minutes < a.minutes ? b : a));
    home.trips.push(trip);
    home.minutes += trip.minutes;
  }
  return trucks.map((t, k) => {
    const vehicleId = vehicleIds[k]!;
    const from = startNode(req, vehicleId);
    const onboard = out[k]?.loadLiters ?? 0;
    if (continued.has(vehicleId)) return { vehicleId, from, onboard, trips: t.trips, unloadFirst: false };
    return {
      vehicleId,
      from,
      onboard,
      ...chooseFirstTrip(t.trips, tr, from, onboard, req.fleet.capacityLiters),
    };
  });
}

/**
 * Puts first the trip (and direction) whose start gains most from leaving `from` (the depot, or
 * where a truck out is) instead of the dump. A truck out carrying `onboard` litres may start only
 * with a trip whose bins fit beside them; otherwise (or when cheaper) it unloads first.
 */
function chooseFirstTrip(
  trips: Trip[],
  tr: Travel,
  from: number,
  onboard: number,
  capacity: number,
): { trips: Trip[]; unloadFirst: boolean } {
  if (trips.length === 0) return { trips, unloadFirst: false };
  let bestI = -1;
  let bestRev = false;
  // Unloading first: from -> dump, then every trip as a middle one.
  let bestGain = onboard > 0 ? tr.dist[from * tr.size]! : Number.POSITIVE_INFINITY;
  trips.forEach((t, i) => {
    if (onboard > 0 && onboard + t.load > capacity + 1e-6) return;
    for (const rev of [false, true]) {
      const nodes = rev ? [...t.nodes].reverse() : t.nodes;
      const extra = pathDist(tr, nodes, from, 0) - pathDist(tr, t.nodes, 0, 0);
      if (extra < bestGain - 1e-9) {
        bestGain = extra;
        bestI = i;
        bestRev = rev;
      }
    }
  });
  if (bestI < 0) return { trips, unloadFirst: true };
  const first = trips[bestI]!;
  const lead: Trip = bestRev ? { ...first, nodes: [...first.nodes].reverse() } : first;
  return { trips: [lead, ...trips.filter((_, i) => i !== bestI)], unloadFirst: false };
}

function driveTruck(plan: TruckPlan, tr: Travel, req: PlanRequest): TruckRoute {
  const N = tr.size;
  const depot = depotNode(req);
  const { serviceMinutes, dumpMinutes, shiftMinutes } = req.fleet;
  const { vehicleId, trips, onboard } = plan;
  const visits: PlannedVisit[] = [];
  let t = req.startAt;
  let at = plan.from;
  let dist = 0;
  const go = (to: number) => {
    dist += tr.dist[at * N + to]!;
    t += tr.time[at * N + to]! * 1000;
    at = to;
  };
  // A truck out with waste on board and no trip it can start with unloads first.
  const unload = onboard > 0 && (plan.unloadFirst || trips.length === 0);
  if (unload) {
    go(0);
    visits.push({ kind: 'dump', trip: 0, arrivalAt: Math.round(t), loadLiters: 0 });
    t += dumpMinutes * 60_000;
  }
  const k0 = unload ? 1 : 0;
  trips.forEach((trip, i) => {
    const k = i + k0;
    let load = i === 0 && !unload ? onboard : 0;
    for (const c of trip.nodes) {
      go(c);
      const stop = req.stops[c - 1]!;
      const liters = Math.min(req.fleet.capacityLiters, stop.volumeLiters);
      load += liters;
      visits.push({
        kind: 'bin',
        binId: stop.binId,
        ...(stop.prizeM !== undefined ? { optional: true } : {}),
        trip: k,
        arrivalAt: Math.round(t),
        forecastPct: stop.forecastPct,
        plannedLiters: liters,
        loadLiters: load,
      });
      t += serviceMinutes * 60_000;
    }
    go(0);
    visits.push({ kind: 'dump', trip: k, arrivalAt: Math.round(t), loadLiters: 0 });
    t += dumpMinutes * 60_000;
  });
  go(depot);
  visits.push({ kind: 'depot', trip: trips.length + k0, arrivalAt: Math.round(t), loadLiters: 0 });
  const durationMin = (t - req.startAt) / 60_000;
  return {
    vehicleId,
    visits,
    distanceM: dist,
    durationMin,
    overShiftMin: Math.max(0, durationMin - shiftMinutes),
  };
}
