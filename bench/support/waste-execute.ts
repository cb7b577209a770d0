/**
 * Drives a truck's route through the simulated bins: what actually happens, as opposed to what was
 * planned. The truck goes to each bin in order, finds its real level, and when the next bin's waste
 * does not fit it first unloads at the dump (an extra trip the plan did not foresee), unless the
 * bin is an optional stop (`optional`: not forecast to need this round): the crew skips it
 * (reported `truck_full`) and drives on, as the product's crews do. With the planned litres of
 * the trip's mandatory stops after each optional one (`optional`'s values, truck-room.ts), the
 * crew also skips an optional stop that would leave too little room for them (the crew rule). Both the
 * optimised plan and the fixed round are executed by this same function, so their km compare fairly.
 */
import type { Travel } from '../../cloud/src/modules/waste-routing/geo.js';
import { optionalStopFits } from '../../cloud/src/modules/waste-routing/truck-room.js';
import type { SimBin } from './waste-community.js';

export interface Execution {
  distanceM: number;
  minutes: number;
  collected: number;
  extraDumpTrips: number;
  /** Trips (unloadings at the dump) and the load each took, litres. */
  tripLoads: number[];
  /** Metres driven bin -> bin (the tour inside the community). */
  betweenBinsM: number;
  /** Metres on legs to or from the depot or the dump (the haul). */
  depotDumpM: number;
  /** Optional stops skipped because their waste did not fit the truck (skip reason truck_full). */
  skippedFull: string[];
  /**
   * Haul floor of what was collected: each bin's litres, as a share of the payload, times its own
   * bin <-> station round trip (eval:waste haulFloorKm).
   */
  haulFloorM: number;
  /** The metres driven above that floor, by cause (AboveFloor). */
  aboveFloor: AboveFloor;
}

/**
 * Where a route's metres go beyond the haul floor (each litre charged its bin's station round
 * trip, as eval:waste's haulFloorKm): a trip seen as a cycle through the station drives
 * 2 x its farthest bin's station leg plus its tour; that is the floor of its litres plus
 * - partLoads: 2 x farthest leg x the payload share left empty,
 * - radialSpread: its litres charged the farthest bin's leg instead of their own,
 * - tour: the cycle beyond the straight run to the farthest bin and back (between bins),
 * and the day adds yardLegs: depot -> first bin and station -> depot instead of station legs.
 * The four and the floor sum to the metres driven.
 */
export interface AboveFloor {
  partLoadsM: number;
  radialSpreadM: number;
  tourM: number;
  yardLegsM: number;
}

export interface ExecuteOptions {
  travel: Travel;
  /** Index of each bin in the travel matrix (0 = dump, size - 1 = depot). */
  nodeOf: Map<string, number>;
  bins: Map<string, SimBin>;
  capacityLiters: number;
  serviceMinutes: number;
  dumpMinutes: number;
  /** Share of the planned litres ahead the crew keeps on top (truck-room.ts KEEP_ROOM_MARGIN). */
  roomMargin?: number;
}

/** `sequence`: bin ids and 'dump' markers in driving order, starting and ending at the depot. */
export function executeRoute(
  sequence: readonly string[],
  start: number,
  o: ExecuteOptions,
  /** Optional stops (bin id -> planned litres of the trip's mandatory stops after it, or 0). */
  optional: ReadonlyMap<string, number> = new Map(),
): Execution {
  const N = o.travel.size;
  const depot = N - 1;
  let at = depot;
  let t = start;
  let dist = 0;
  let load = 0;
  let collected = 0;
  let extra = 0;
  let between = 0;
  const tripLoads: number[] = [];
  const skippedFull: string[] = [];
  const roundTrip = (node: number) => o.travel.dist[node * N]! + o.travel.dist[node]!;
  const above: AboveFloor = { partLoadsM: 0, radialSpreadM: 0, tourM: 0, yardLegsM: 0 };
  // The trip under way, as a cycle through the station: its metres (first leg from the station),
  // its farthest bin's round trip and the haul floor of its litres.
  let cycleM = 0;
  let farM = 0;
  let tripFloorM = 0;
  let floorM = 0;
  const go = (to: number) => {
    const leg = o.travel.dist[at * N + to]!;
    if (at !== 0 && at !== depot && to !== 0 && to !== depot) between += leg;
    if (to !== depot) cycleM += at === depot ? o.travel.dist[to]! : leg;
    dist += leg;
    t += o.travel.time[at * N + to]! * 1000;
    at = to;
  };
  const unload = () => {
    go(0);
    t += o.dumpMinutes * 60_000;
    tripLoads.push(load);
    above.partLoadsM += farM * (1 - load / o.capacityLiters);
    above.radialSpreadM += (farM * load) / o.capacityLiters - tripFloorM;
    above.tourM += cycleM - farM;
    floorM += tripFloorM;
    load = 0;
    cycleM = 0;
    farM = 0;
    tripFloorM = 0;
  };
  for (const step of sequence) {
    if (step === 'dump') {
      if (load > 0) unload();
      continue;
    }
    const bin = o.bins.get(step)!;
    const node = o.nodeOf.get(step)!;
    // Look ahead at the level on arrival: the crew sees a full truck before driving to the bin.
    const arrive = t + o.travel.time[at * N + node]! * 1000;
    const volume = (Math.min(100, bin.advance(arrive)) / 100) * bin.model.capacityLitres;
    const ahead = optional.get(step);
    if (
      ahead !== undefined &&
      load > 0 &&
      !optionalStopFits(load, volume, ahead, o.capacityLiters, o.roomMargin)
    ) {
      skippedFull.push(step);
      continue;
    }
    if (load + volume > o.capacityLiters + 1e-9 && load > 0) {
      unload();
      extra++;
    }
    go(node);
    bin.collect(t);
    load += volume;
    farM = Math.max(farM, roundTrip(node));
    tripFloorM += (volume / o.capacityLiters) * roundTrip(node);
    collected++;
    t += o.serviceMinutes * 60_000;
  }
  if (load > 0) unload();
  go(depot);
  above.yardLegsM = dist - floorM - above.partLoadsM - above.radialSpreadM - above.tourM;
  return {
    distanceM: dist,
    minutes: (t - start) / 60_000,
    collected,
    extraDumpTrips: extra,
    tripLoads,
    betweenBinsM: between,
    depotDumpM: dist - between,
    skippedFull,
    haulFloorM: floorM,
    aboveFloor: above,
  };
}
