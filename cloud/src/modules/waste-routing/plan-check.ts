/**
 * Independent feasibility check of a round's plan (shares no code with the planner): every
 * mandatory bin exactly once, no bin twice, each trip's load within capacity and closed by a dump
 * visit (with optional tails, PlanRequest.tripsFirst.tailLiters: an optional bin may take the trip
 * up to tailLiters, a mandatory one only within capacity, so a crew that leaves the optional bins
 * that do not fit never needs an unplanned unloading for a mandatory one), each truck back at the depot within its shift, and the distance recomputed. A truck out
 * (PlanRequest.trucksOut) starts where it is, with its load on board, and must be in the plan.
 */
import type { Travel } from './geo.js';
import type { Plan, PlanRequest } from './planner.js';

export interface PlanCheck {
  feasible: boolean;
  errors: string[];
  distanceM: number;
}

export function checkPlan(req: PlanRequest, plan: Plan, travel: Travel): PlanCheck {
  const errors: string[] = [];
  const N = travel.size;
  // Layout of travelFor: 0 = dump, 1..n = stops, n + 1 = depot, n + 2 + k = trucksOut[k].
  const depot = req.stops.length + 1;
  const out = req.trucksOut ?? [];
  const index = new Map(req.stops.map((s, i) => [s.binId, i + 1]));
  const seen = new Map<string, number>();
  let total = 0;
  const tail = typeof req.tripsFirst === 'object' ? (req.tripsFirst.tailLiters ?? 0) : 0;
  if (plan.trucks.length > req.fleet.vehicleIds.length) errors.push(`uses ${plan.trucks.length} trucks`);
  for (const t of out)
    if (!plan.trucks.some((x) => x.vehicleId === t.vehicleId))
      errors.push(`${t.vehicleId}: out but not planned`);
  for (const truck of plan.trucks) {
    const k = out.findIndex((t) => t.vehicleId === truck.vehicleId);
    let at = k < 0 ? depot : depot + 1 + k;
    let load = k < 0 ? 0 : out[k]!.loadLiters;
    let dist = 0;
    let open = load > 0;
    for (const v of truck.visits) {
      const node = v.kind === 'bin' ? index.get(v.binId ?? '') : v.kind === 'dump' ? 0 : depot;
      if (node === undefined) {
        errors.push(`${truck.vehicleId}: unknown bin ${v.binId}`);
        continue;
      }
      dist += travel.dist[at * N + node]!;
      at = node;
      if (v.kind === 'bin') {
        seen.set(v.binId!, (seen.get(v.binId!) ?? 0) + 1);
        const stop = req.stops[node - 1]!;
        load += Math.min(req.fleet.capacityLiters, stop.volumeLiters);
        open = true;
        const limit =
          stop.prizeM !== undefined ? Math.max(req.fleet.capacityLiters, tail) : req.fleet.capacityLiters;
        if (load > limit + 1e-6)
          errors.push(`${truck.vehicleId}: load ${load} L over capacity at ${v.binId}`);
      } else if (v.kind === 'dump') {
        load = 0;
        open = false;
      } else if (open) errors.push(`${truck.vehicleId}: returns to the depot loaded`);
    }
    if (at !== depot) errors.push(`${truck.vehicleId}: does not end at the depot`);
    const minutes = truck.visits.length > 0 ? (truck.visits.at(-1)!.arrivalAt - req.startAt) / 60_000 : 0;
    if (minutes > req.fleet.shiftMinutes + 1e-6)
      errors.push(
        `${truck.vehicleId}: ${minutes.toFixed(1)} min exceeds the ${req.fleet.shiftMinutes} min shift`,
      );
    total += dist;
  }
  for (const s of req.stops) {
    const k = seen.get(s.binId) ?? 0;
    if (k > 1) errors.push(`bin ${s.binId} visited ${k} times`);
    if (k === 0 && s.prizeM === undefined) errors.push(`mandatory bin ${s.binId} not visited`);
  }
  return { feasible: errors.length === 0, errors, distanceM: total };
}
