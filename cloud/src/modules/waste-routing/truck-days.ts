/**
 * A round's trips as the trucks drive them (pure): trips packed into shifts, each truck's first
 * trip chosen to start from the depot (or from where a truck out is), and the visits with their
 * arrival times and loads. See planner.ts for the multi-trip model.
 */
import type { Travel } from './geo.js';
import type { PlannedVisit, PlanRequest, TruckRoute } from './planner.js';
import { depotNode, startNode } from './route-nodes.js';

export interface Trip {
  nodes: number[];
  load: number;
  /** Minutes as a middle trip: dump -> bins -> dump, service and unloading included. */
  minutes: number;
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
export function continueTrip(
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
export function orientTrip(nodes: number[], tr: Travel, req: PlanRequest): Trip {
  const rev = [...nodes].reverse();
  const best = pathDist(tr, rev, 0, 0) < pathDist(tr, nodes, 0, 0) - 1e-9 ? rev : nodes;
  const load = best.reduce(
    (s, c) => s + Math.min(req.fleet.capacityLiters, req.stops[c - 1]!.volumeLiters),
    0,
  );
  return { nodes: best, load, minutes: pathMinutes(tr, best, 0, 0, req) };
}

/** A truck's work: its trips, first trip first, and where and with what load it starts. */
export interface TruckPlan {
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
export function packTrips(
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

export function driveTruck(plan: TruckPlan, tr: Travel, req: PlanRequest): TruckRoute {
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
