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
import type { GeoPoint, RoadMatrix, Travel } from './geo.js';
import { travelFor } from './route-nodes.js';
import { type LevelTripsOptions, levelTrips } from './selection.js';
import { createInstance, solve } from './solver/index.js';
import { appendTails, type Tail, tailOf } from './trip-tails.js';
import { continueTrip, driveTruck, orientTrip, packTrips, type Trip } from './truck-days.js';

export { depotNode, locationsOffRoadMatrix, startNode, travelFor } from './route-nodes.js';

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
