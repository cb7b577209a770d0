/**
 * Node layout of a round's travel matrices (pure), shared by the planner, its truck days and the
 * service: 0 = dump, 1..n = stops, n + 1 = depot, n + 2 + k = where trucksOut[k] is.
 */
import { buildTravel, offRoadMatrix, type Travel } from './geo.js';
import type { PlanRequest } from './planner.js';

/** A request's distance and time matrices, in the node layout above. */
export function travelFor(req: TravelRequest): Travel {
  return buildTravel(travelPoints(req), req.fleet, req.road);
}

export type TravelRequest = Pick<PlanRequest, 'stops' | 'fleet' | 'road' | 'trucksOut'>;

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

/** The depot's node. */
export const depotNode = (req: Pick<PlanRequest, 'stops'>) => req.stops.length + 1;

/** Where a truck's pending route starts: its position when it is out, else the depot. */
export function startNode(req: Pick<PlanRequest, 'stops' | 'trucksOut'>, vehicleId: string): number {
  const k = (req.trucksOut ?? []).findIndex((t) => t.vehicleId === vehicleId);
  return k < 0 ? depotNode(req) : depotNode(req) + 1 + k;
}
