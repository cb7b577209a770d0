/**
 * The stops a round offers the planner, by selection policy (pure). One code path for the service
 * (waste-routing.service.ts) and the evaluation (bench/eval-waste.ts), so the service plans the way
 * `eval:waste` measured.
 *
 * - `trips` (trip-count-first, the default): when the round goes out (some bin is mandatory),
 *   every bin is a candidate, with its forecast level at the next round and a `keepLiters` of
 *   `keepPct` % of its container; the planner's `tripsFirst` (selection.ts levelTrips) fixes the
 *   trips by the mandatory litres and tops them up with the bins that would force a trip soonest.
 * - `prize` (the policy before): mandatory bins, and optional ones (>= optionalMinPct at pickup)
 *   at `prizeMetresPerPct` metres per % of forecast fill; no trip limit.
 */
import { forecastFill } from './forecast.js';
import { type GeoPoint, haversineM } from './geo.js';
import type { StopInput } from './planner.js';
import {
  type BinState,
  type RoundSelectionOptions,
  type Selection,
  selectRound,
  withPointMates,
} from './selection.js';

export const WASTE_POLICIES = ['trips', 'prize'] as const;
export type WastePolicy = (typeof WASTE_POLICIES)[number];

/** A bin as a round sees it: its forecast state, where it stands, and its container's litres. */
export interface RoundBin extends BinState {
  at: GeoPoint;
  capacityLiters: number;
}

export interface RoundStopsOptions extends RoundSelectionOptions {
  policy: WastePolicy;
  /** trips: a non-mandatory bin holding less than this share of its container (%) is left. */
  keepPct: number;
  /** trips: top-up candidates offered beyond the trips' free room, in trips (levelTrips). */
  overOfferTrips: number;
  /** Collection point of a bin: the containers standing with a due one are offered too. */
  pointOf?: (binId: string) => string;
}

export interface RoundStops {
  /** selectRound's verdicts, in the bins' order (before point mates). */
  round: Selection[];
  /** The verdicts the stops were made from (point mates added), in the bins' order. */
  selections: Selection[];
  stops: StopInput[];
  /** PlanRequest.tripsFirst for this policy. */
  tripsFirst: false | { overOfferTrips: number };
}

/** Litres a bin is forecast to hold at `pct` % of its container. */
export const litresAt = (pct: number, capacityLiters: number) =>
  (Math.min(100, Math.max(0, pct)) / 100) * capacityLiters;

/** The bin's forecast litres at any instant, for planning on arrival times (planner volumeAt). */
function volumeAt(bin: RoundBin): Pick<StopInput, 'volumeAt'> | undefined {
  const { model, latest, capacityLiters } = bin;
  if (!model || !latest) return undefined;
  return { volumeAt: (at) => litresAt(forecastFill(model, latest.fillPct, latest.ts, at), capacityLiters) };
}

export function roundStops(bins: readonly RoundBin[], o: RoundStopsOptions): RoundStops {
  const trips = o.policy === 'trips';
  const round = selectRound(bins, o);
  const selections = o.pointOf ? withPointMates(round, o.pointOf, o.prizeMetresPerPct) : round;
  const goesOut = round.some((s) => s.kind === 'mandatory');
  const stops: StopInput[] = [];
  selections.forEach((s, i) => {
    // Trips first: every bin is a top-up candidate when a round goes out (levelTrips chooses).
    if (s.kind === 'none' && !(trips && goesOut)) return;
    const bin = bins[i]!;
    stops.push({
      binId: bin.binId,
      at: bin.at,
      forecastPct: s.forecastPct,
      nextRoundPct: s.nextRoundPct,
      keepLiters: (o.keepPct / 100) * bin.capacityLiters,
      volumeLiters: litresAt(s.forecastPct, bin.capacityLiters),
      ...(volumeAt(bin) ?? {}),
      ...(s.kind === 'optional' ? { prizeM: s.prizeM } : s.kind === 'none' ? { prizeM: 0 } : {}),
    });
  });
  return { round, selections, stops, tripsFirst: trips && { overOfferTrips: o.overOfferTrips } };
}

/**
 * A re-plan's stops (the service's plan() over a round under way, and its intraday check): the
 * round's selection over every bin, less the bins already `handled` today (emptied or reported),
 * which are not offered again. eval:waste's intraday dispatch uses the same, so it measures what
 * the service does.
 */
export function replanStops(
  bins: readonly RoundBin[],
  o: RoundStopsOptions,
  handled: ReadonlySet<string>,
): RoundStops {
  const r = roundStops(bins, o);
  return handled.size === 0 ? r : { ...r, stops: r.stops.filter((s) => !handled.has(s.binId)) };
}

/**
 * Collection points from where the bins stand: bins within `radiusM` of each other (chained: a row
 * of containers) share a point, named by the first of them in `bins`' order. For a registry that
 * holds no point ids; `radiusM` 0: every bin is its own point.
 */
export function collectionPoints(
  bins: readonly { id: string; at: GeoPoint }[],
  radiusM: number,
): Map<string, string> {
  const parent = bins.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  if (radiusM > 0) {
    // Sweep by latitude: only bins less than radiusM apart north-south can be within radiusM.
    const order = bins.map((_, i) => i).sort((a, b) => bins[a]!.at.lat - bins[b]!.at.lat);
    const dLat = radiusM / 111_000;
    for (let x = 0; x < order.length; x++) {
      const i = order[x]!;
      for (let y = x + 1; y < order.length; y++) {
        const j = order[y]!;
        if (bins[j]!.at.lat - bins[i]!.at.lat > dLat) break;
        if (haversineM(bins[i]!.at, bins[j]!.at) > radiusM) continue;
        const [a, b] = [root(i), root(j)];
        // The earlier bin names the point.
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  return new Map(bins.map((b, i) => [b.id, bins[root(i)]!.id]));
}

/**
 * Each bin's collection point: the one the registry names (`pointId`), else, among the bins that
 * name none, the point `collectionPoints` finds within `radiusM`. Undefined when there are no
 * points at all (no bin names one and the radius is 0): no point mates.
 */
export function binPoints(
  bins: readonly { id: string; lat: number; lon: number; pointId: string | null }[],
  radiusM: number,
): ((binId: string) => string) | undefined {
  // Prefixed: a named point never takes a bin id's name (the radius points are named by bins).
  const named = new Map(
    bins.flatMap((b) => (b.pointId !== null ? [[b.id, `point:${b.pointId}`] as const] : [])),
  );
  if (named.size === 0 && radiusM <= 0) return undefined;
  const unnamed = bins
    .filter((b) => b.pointId === null)
    .map((b) => ({ id: b.id, at: { lat: b.lat, lon: b.lon } }));
  const near = collectionPoints(unnamed, radiusM);
  return (binId) => named.get(binId) ?? near.get(binId) ?? binId;
}
