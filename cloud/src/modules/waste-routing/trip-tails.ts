/**
 * Optional trip tails of a trips-first plan (pure; PlanRequest.tripsFirst.tailLiters): optional
 * bins appended after a trip's last bin, beyond the planned payload, which the crew leaves when
 * the truck is full (skip reason truck_full).
 */
import type { Travel } from './geo.js';
import type { PlanRequest, StopInput } from './planner.js';
import { driveTruck, type TruckPlan } from './truck-days.js';

/** Optional tails of a trips-first plan (TripsFirstOptions.tailLiters). */
export interface Tail {
  /** Litres a trip may be planned to with its tail. */
  liters: number;
  /** Optional bins the solver was not offered (levelTrips left them), still tail candidates. */
  stops: StopInput[];
  /** Metres a tail bin is worth (levelTrips' prize for its litres). */
  worthM: (volumeLiters: number) => number;
}

export function tailOf(req: PlanRequest, left: readonly string[], tripCostM: number): Tail | undefined {
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
 * Optional tails (TripsFirstOptions.tailLiters): appends candidates after trips' last bins, before
 * their dump, best net gain (worth - detour) first over all trips, while a trip's forecast litres
 * stay within `tail.liters` and its truck's day within the shift (a tail bin delays everything
 * after it by its detour and service minutes). A truck out's first trip counts the load it has on
 * board. Returns the nodes appended.
 */
export function appendTails(
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
