/**
 * npm run eval:waste [-- --seeds 1,2,3,4,5 --days 30 --households 2000 --provisioning peak|average
 *   --checks 13:00,16:30,20:30|none --urgent-pct 90 --dump-km 3 --payload-kg 2000 --plan-load 0.95 --point-mates on|off
 *   --iterations 20000 --margin-q 0.95 --threshold 80 --rounds 09:30 --policy trips|prize
 *   --keep-pct 15 --over-offer 1 --tail-load 1.1 --skip-full on|off --keep-room on|off --room-margin 0.05
 *   --no-margin-run on|off]
 *   (EVAL_DEBUG=1: per-day detail on stderr)
 *
 * Per seed, simulates a community's bins (firmware-sim's BinModel under a ManualClock, no Modbus):
 * by default a street office's community of 2,000 households (waste-community.ts makeCommunity);
 * `--households 0 --bins 20` is the former scene of 20 containers in one compound. A warm-up of
 * three weeks collected by the fixed round (the history the forecast learns from), then `days`
 * days several times from the same state, same bins, same trucks, same days:
 * - fixedDailyRound: every bin every day (what a city does today), one order planned once;
 * - optimised: forecast -> mandatory (with the forecast-error safety margin) / optional ->
 *   multi-trip solver, plus the intraday checks on live readings (`--checks`), dispatched as the
 *   service re-plans (round-stops.ts replanStops: the same selection, less the bins already out);
 * - optimisedNoMargin: the same without the margin (what the margin costs in km, and buys).
 * Per plan: trips to the station (unloadings) and their mean load (% of payload), km between bins
 * vs km to/from the depot and the station, and the haul floor of what it collected with the km
 * above it by cause (part-loads, radial spread, tour, yard legs; waste-execute.ts AboveFloor).
 * The planner runs on an iteration budget only, so a seed's figures do not depend on the
 * machine's load.
 * All are driven through the same executor (real levels, extra dump trips when the truck is full;
 * with `--skip-full on` an optional stop that does not fit is skipped instead, reason truck_full);
 * an overflow is counted the same way for all (a bin reaching 100 % before it is emptied).
 * Prints JSON: per seed and the median over seeds.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { learnFillModel, riseErrorQuantile } from '../cloud/src/modules/waste-routing/forecast.js';
import { type GeoPoint, haversineM, offsetByMetres } from '../cloud/src/modules/waste-routing/geo.js';
import { checkPlan } from '../cloud/src/modules/waste-routing/plan-check.js';
import {
  type FleetConfig,
  type PlannedVisit,
  type PlanRequest,
  planRound,
  travelFor,
} from '../cloud/src/modules/waste-routing/planner.js';
import { replanStops, roundStops, type WastePolicy } from '../cloud/src/modules/waste-routing/round-stops.js';
import { intradayCheck } from '../cloud/src/modules/waste-routing/selection.js';
import { KEEP_ROOM_MARGIN, mandatoryLitersAhead } from '../cloud/src/modules/waste-routing/truck-room.js';
import { WASTE } from '../firmware-sim/src/model/statistics.js';
import { type CommunityGeo, makeBins, makeCommunity, type SimBin } from './support/waste-community.js';
import { type AboveFloor, type ExecuteOptions, executeRoute } from './support/waste-execute.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TZ = 8 * HOUR;

const { values: args } = parseArgs({
  options: {
    days: { type: 'string', default: '30' },
    seeds: { type: 'string', default: '1,2,3,4,5' },
    households: { type: 'string', default: '2000' },
    bins: { type: 'string', default: '20' },
    checks: { type: 'string', default: '13:00,16:30,20:30' },
    'urgent-pct': { type: 'string', default: '90' },
    'dump-km': { type: 'string' },
    'payload-kg': { type: 'string', default: '2000' },
    'plan-load': { type: 'string', default: '0.95' },
    'point-mates': { type: 'string', default: 'on' },
    iterations: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '09:30' },
    threshold: { type: 'string', default: '80' },
    'margin-q': { type: 'string', default: '0.95' },
    provisioning: { type: 'string', default: 'peak' },
    policy: { type: 'string', default: 'trips' },
    'keep-pct': { type: 'string', default: '15' },
    'over-offer': { type: 'string', default: '1' },
    'tail-load': { type: 'string', default: '1.1' },
    'skip-full': { type: 'string', default: 'on' },
    'keep-room': { type: 'string', default: 'on' },
    'room-margin': { type: 'string', default: String(KEEP_ROOM_MARGIN) },
    'no-margin-run': { type: 'string', default: 'on' },
  },
});
/**
 * trips: trip-count-first (planner tripsFirst, selection.ts levelTrips): the mandatory bins fix the
 * trips, the others top them up to the payload. prize: every optional bin >= 50 % at a prize of
 * 3 m per % (the policy before).
 */
const POLICY: WastePolicy = args.policy === 'prize' ? 'prize' : 'trips';
const TRIPS_FIRST = POLICY === 'trips';
/** trips policy: a non-mandatory bin under this level is left (levelTrips keepLiters). */
const KEEP_PCT = Number(args['keep-pct']);
/** trips policy: top-up bins offered beyond the trips' room, in trips (levelTrips overOfferTrips). */
const OVER_OFFER = Number(args['over-offer']);
/**
 * trips policy: optional tails (planner TripsFirstOptions.tailLiters), a trip planned up to this
 * share of the real payload with optional bins after its last one (e.g. 1.1); 0: none.
 */
const TAIL_LOAD = Number(args['tail-load']);
/** The crew skips an optional stop that does not fit the truck (truck_full) instead of unloading. */
const SKIP_FULL = args['skip-full'] !== 'off';
/**
 * The crew also skips an optional stop that would leave too little room for the trip's mandatory
 * stops still ahead, on their planned litres (truck-room.ts); off: only one that does not fit.
 */
const KEEP_ROOM = args['keep-room'] !== 'off';
/** The room kept is the mandatory stops' planned litres plus this share (truck-room.ts KEEP_ROOM_MARGIN). */
const ROOM_MARGIN = Number(args['room-margin']);
/** EVAL_DEBUG=1: each day's rounds, checks and trips on stderr. */
const DEBUG = Boolean(process.env.EVAL_DEBUG);
const DAYS = Number(args.days);
const SEEDS = args.seeds.split(',').map(Number);
const HOUSEHOLDS = Number(args.households);
/** Only for --households 0: the former scene, `bins` containers in one compound. */
const BINS = Number(args.bins);
const URGENT_PCT = Number(args['urgent-pct']);
/** Straight-line km from the community's centre to where the trucks unload. */
const DUMP_KM = Number(args['dump-km'] ?? (HOUSEHOLDS > 0 ? 3 : 1.5));
/** Share of the payload a plan may fill (the rest absorbs forecast error: no unplanned dump trip). */
const PLAN_LOAD = Number(args['plan-load']);
/** Containers of a point with a due container are offered to the solver too (selection.ts). */
const POINT_MATES = args['point-mates'] !== 'off';
const ITER = Number(args.iterations);
const THRESHOLD = Number(args.threshold);
const MARGIN_Q = Number(args['margin-q']);
const PROVISIONING = args.provisioning === 'peak' ? 'peak' : 'average';
const minutesOf = (list: string) =>
  list === 'none'
    ? []
    : list.split(',').map((s) => {
        const [h, m] = s.split(':').map(Number);
        return h! * 60 + (m ?? 0);
      });
const ROUND_MIN = minutesOf(args.rounds);
/** Intraday checks on live readings (minutes after midnight), between the planned rounds. */
const CHECK_MIN = minutesOf(args.checks);

// ASSUMPTIONS of the scenario, printed with the results. Default: a street office's community
// (社区) of HOUSEHOLDS households in several compounds over 1 km x 1 km (makeCommunity), the
// sanitation team's yard at its edge (600 m from the centre), the transfer station (a street's
// compression station) 3 km away. --households 0: the former scene, BINS containers in one
// 600 m x 400 m compound, yard 380 m and station 1.5 km from its centre. Bins: firmware-sim's
// containers (240 L at entrances, 660 L and 1100 L at collection points, counted per CJJ 27-2012).
// Trucks: small bin-lift compactors (4-5 m3 body, ~2 t payload: ASSUMPTION), so a load is
// 2,000 kg of loose household waste at firmware-sim's 145 kg/m3.
const center = { lat: 31.2304, lon: 121.4737 };
const geo: CommunityGeo =
  HOUSEHOLDS > 0
    ? {
        center,
        depot: offsetByMetres(center, 550, -240),
        dump: offsetByMetres(center, 800 * DUMP_KM, 600 * DUMP_KM),
      }
    : {
        center,
        depot: offsetByMetres(center, 350, -150),
        dump: offsetByMetres(center, 800 * DUMP_KM, 600 * DUMP_KM),
      };
const COMMUNITY_SIDE_M = 1000;
/** A truck's payload (the scene's sensitivity to truck size; 2 t: a small bin-lift compactor). */
const PAYLOAD_KG = Number(args['payload-kg']);
const fleet: FleetConfig = {
  depot: geo.depot,
  dump: geo.dump,
  vehicleIds: ['truck-1', 'truck-2'],
  capacityLiters: Math.round(PAYLOAD_KG / WASTE.kgPerLitre),
  shiftMinutes: 8 * 60,
  speedKmh: 15,
  detourFactor: 1.3,
  serviceMinutes: 2,
  dumpMinutes: 10,
};
/** What the plans are made with (a truck planned to PLAN_LOAD of its payload). */
const planFleet: FleetConfig = { ...fleet, capacityLiters: Math.round(fleet.capacityLiters * PLAN_LOAD) };
/**
 * The fixed round's order is planned at 90 % of the payload whatever --plan-load says: the
 * reference must not move with the optimised policy's settings.
 */
const fixedFleet: FleetConfig = { ...fleet, capacityLiters: Math.round(fleet.capacityLiters * 0.9) };
const PLAN_AT_MIN = 5 * 60 + 30;
const WARMUP_DAYS = 21;
// Monday 2025-03-03 00:00 local (UTC+8); the evaluated month (24 March - 22 April) holds Qingming.
const START = Date.UTC(2025, 2, 3) - TZ;

const localTime = (day: number, minutes: number) => START + day * DAY + minutes * 60_000;

function setup(seed: number) {
  const layout =
    HOUSEHOLDS > 0 ? makeCommunity(seed, HOUSEHOLDS, geo, COMMUNITY_SIDE_M, START, PROVISIONING) : undefined;
  const bins = layout?.bins ?? makeBins(seed, BINS, geo, 600, 400, START, PROVISIONING);
  const byId = new Map(bins.map((b) => [b.id, b]));
  const stops = bins.map((b) => ({
    binId: b.id,
    at: b.at,
    volumeLiters: b.model.capacityLitres,
    forecastPct: 100,
  }));
  const travel = travelFor({ stops, fleet });
  const exec: ExecuteOptions = {
    travel,
    nodeOf: new Map(bins.map((b, i) => [b.id, i + 1])),
    bins: byId,
    capacityLiters: fleet.capacityLiters,
    serviceMinutes: fleet.serviceMinutes,
    dumpMinutes: fleet.dumpMinutes,
    roomMargin: ROOM_MARGIN,
  };
  return { bins, stops, exec, layout };
}

/** The fixed round: every bin, each truck's order planned once on mean volumes, driven every day. */
function fixedSequences(bins: SimBin[], stops: PlanRequest['stops'], seed: number): string[][] {
  const meanFill = (b: SimBin) => Math.min(100, learnFillModel(b.history).dailyRate);
  const plan = planRound({
    stops: stops.map((s, i) => ({ ...s, volumeLiters: (meanFill(bins[i]!) / 100) * s.volumeLiters })),
    fleet: fixedFleet,
    startAt: 0,
    maxIterations: ITER,
    seed,
  });
  return plan.trucks.map((t) => t.visits.filter((v) => v.kind !== 'depot').map((v) => v.binId ?? 'dump'));
}

/**
 * A plan's optional stops, which the crew may skip when the truck is full (--skip-full on), each
 * with the room it keeps for the mandatory stops after it on its trip (--keep-room on: their
 * planned litres, truck-room.ts, the product's crew rule; otherwise 0).
 */
function optionalStops(visits: readonly PlannedVisit[]): Map<string, number> {
  if (!SKIP_FULL) return new Map();
  const ahead = KEEP_ROOM ? mandatoryLitersAhead(visits) : undefined;
  return new Map(
    visits.flatMap((v, i) => (v.optional && v.binId ? [[v.binId, ahead?.[i] ?? 0] as const] : [])),
  );
}

/** PlanRequest.tripsFirst with the optional tails of --tail-load. */
const withTail = (tripsFirst: false | { overOfferTrips: number }) =>
  tripsFirst && TAIL_LOAD > 0 ? { ...tripsFirst, tailLiters: TAIL_LOAD * fleet.capacityLiters } : tripsFirst;

/**
 * EVAL_DEBUG: how spread each trip's bins are, metres from their centroid (mean), trip by trip
 * (`seq`: bin ids and 'dump' markers).
 */
function tripSpreadM(seq: readonly string[], at: (id: string) => GeoPoint): number[] {
  const trips: GeoPoint[][] = [[]];
  for (const x of seq) {
    if (x === 'dump') trips.push([]);
    else trips.at(-1)!.push(at(x));
  }
  return trips
    .filter((t) => t.length > 0)
    .map((t) => {
      const c = {
        lat: t.reduce((s, p) => s + p.lat, 0) / t.length,
        lon: t.reduce((s, p) => s + p.lon, 0) / t.length,
      };
      return Math.round(t.reduce((s, p) => s + haversineM(p, c), 0) / t.length);
    });
}

/** Litres each planned trip holds when it reaches the dump (its last bin's load on board). */
function plannedTripLoads(visits: readonly { kind: string; loadLiters: number }[]): number[] {
  return visits.flatMap((v, i) => (v.kind === 'dump' && i > 0 ? [visits[i - 1]!.loadLiters] : []));
}

/** What the trucks drove, summed over executions. */
interface Drive {
  km: number;
  minutes: number;
  extra: number;
  trips: number;
  tripLitres: number;
  betweenBinsKm: number;
  depotDumpKm: number;
  skippedFull: number;
  haulFloorM: number;
  aboveFloor: AboveFloor;
}
const newDrive = (): Drive => ({
  km: 0,
  minutes: 0,
  extra: 0,
  trips: 0,
  tripLitres: 0,
  betweenBinsKm: 0,
  depotDumpKm: 0,
  skippedFull: 0,
  haulFloorM: 0,
  aboveFloor: { partLoadsM: 0, radialSpreadM: 0, tourM: 0, yardLegsM: 0 },
});
function addDrive(d: Drive, e: ReturnType<typeof executeRoute>) {
  d.km += e.distanceM / 1000;
  d.minutes += e.minutes;
  d.extra += e.extraDumpTrips;
  d.trips += e.tripLoads.length;
  d.tripLitres += e.tripLoads.reduce((a, b) => a + b, 0);
  d.betweenBinsKm += e.betweenBinsM / 1000;
  d.depotDumpKm += e.depotDumpM / 1000;
  d.skippedFull += e.skippedFull.length;
  d.haulFloorM += e.haulFloorM;
  for (const k of Object.keys(d.aboveFloor) as (keyof AboveFloor)[]) d.aboveFloor[k] += e.aboveFloor[k];
}

interface Totals {
  km: number;
  /** Trips to the dump station (unloadings), their mean load (% of payload), and where km went. */
  trips: number;
  meanTripLoadPct: number;
  kmBetweenBins: number;
  kmDepotAndDump: number;
  truckHours: number;
  binsCollected: number;
  overflowEvents: number;
  fullBinHours: number;
  extraDumpTrips: number;
  /** Optional stops the crew skipped because the truck was full (truck_full). */
  optionalSkippedFull: number;
  truckDays: number;
  /** Waste collected, litres. */
  litresCollected: number;
  /** Level the trucks found at collection: 10th, 50th, 90th percentile. */
  foundPct: [number, number, number];
  /**
   * Haul floor: km no plan collecting the same litres from each bin can avoid. A trip is a cycle
   * through the station, so it drives at least twice the station leg of its farthest bin, which
   * is at least its litres' share of the payload times each bin's own station round trip: every
   * litre is charged the round trip from where it was collected, as if trucks came back full from
   * one bin each (no km between bins, no part-loads, no yard legs). Bounds what any selection can
   * save. Summed by the executor (waste-execute.ts haulFloorM).
   */
  haulFloorKm: number;
  /** The km driven above that floor, by cause (waste-execute.ts AboveFloor); with it, they sum to km. */
  kmAboveFloor: { partLoads: number; radialSpread: number; tour: number; yardLegs: number };
}

const round = (x: number) => Math.round(x * 100) / 100;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

function totals(bins: SimBin[], d: Drive, truckDays: number): Totals {
  const found = bins.flatMap((b) => b.foundPct);
  const extra = d.extra;
  return {
    km: round(d.km),
    trips: d.trips,
    meanTripLoadPct: round((100 * d.tripLitres) / Math.max(1, d.trips) / fleet.capacityLiters),
    kmBetweenBins: round(d.betweenBinsKm),
    kmDepotAndDump: round(d.depotDumpKm),
    truckHours: round(d.minutes / 60),
    binsCollected: bins.reduce((s, b) => s + b.collections, 0),
    overflowEvents: bins.reduce((s, b) => s + b.overflowEvents, 0),
    fullBinHours: round(bins.reduce((s, b) => s + b.fullMinutes, 0) / 60),
    extraDumpTrips: extra,
    optionalSkippedFull: d.skippedFull,
    truckDays,
    litresCollected: Math.round(
      bins.reduce(
        (s, b) => s + b.foundPct.reduce((a, f) => a + Math.min(100, f), 0) * b.model.capacityLitres,
        0,
      ) / 100,
    ),
    foundPct: [round(quantile(found, 0.1)), round(quantile(found, 0.5)), round(quantile(found, 0.9))],
    haulFloorKm: round(d.haulFloorM / 1000),
    kmAboveFloor: {
      partLoads: round(d.aboveFloor.partLoadsM / 1000),
      radialSpread: round(d.aboveFloor.radialSpreadM / 1000),
      tour: round(d.aboveFloor.tourM / 1000),
      yardLegs: round(d.aboveFloor.yardLegsM / 1000),
    },
  };
}

function resetCounters(bins: SimBin[]) {
  for (const b of bins) {
    b.overflowEvents = 0;
    b.fullMinutes = 0;
    b.collections = 0;
    b.foundPct.length = 0;
  }
}

/** Warm-up: every bin daily for WARMUP_DAYS, so all runs start from the same state and history. */
function warmUp(bins: SimBin[], exec: ExecuteOptions) {
  const order = bins.map((b) => b.id);
  for (let d = 0; d < WARMUP_DAYS; d++) executeRoute(order, localTime(d, ROUND_MIN[0]!), exec);
  for (const b of bins) b.advance(localTime(WARMUP_DAYS, 0));
  resetCounters(bins);
}

function runFixed(seed: number) {
  const { bins, stops, exec } = setup(seed);
  warmUp(bins, exec);
  const seqs = fixedSequences(bins, stops, seed);
  if (DEBUG)
    console.error(
      `fixed round: spread ${seqs.map((s) => tripSpreadM(s, (id) => exec.bins.get(id)!.at).join('/')).join(' | ')} m`,
    );
  const drive = newDrive();
  for (let d = WARMUP_DAYS; d < WARMUP_DAYS + DAYS; d++)
    for (const seq of seqs) addDrive(drive, executeRoute(seq, localTime(d, ROUND_MIN[0]!), exec));
  for (const b of bins) b.advance(localTime(WARMUP_DAYS + DAYS, 0));
  return totals(bins, drive, DAYS * seqs.length);
}

function runOptimised(seed: number, marginQ: number) {
  const { bins, exec } = setup(seed);
  const pointOf = new Map(bins.map((b) => [b.id, b.model.point]));
  warmUp(bins, exec);
  const drive = newDrive();
  let truckDays = 0;
  let infeasible = 0;
  let skippedOptional = 0;
  let optionalTaken = 0;
  let daysOut = 0;
  let consolidated = 0;
  let checksOut = 0;
  let checkBins = 0;
  let maxTruckMin = 0;
  const margins: number[] = [];
  const margins2: number[] = [];
  // Every bin's forecast state on its readings up to `t` (what the service reads at `t`).
  const statesAt = (t: number) =>
    bins.map((b) => {
      const history = b.history.filter((s) => s.ts > t - 28 * DAY && s.ts <= t);
      const model = learnFillModel(history);
      return {
        binId: b.id,
        model,
        latest: history.at(-1),
        riseError: marginQ > 0 ? riseErrorQuantile(model, history, marginQ) : 0,
        riseError2: marginQ > 0 ? riseErrorQuantile(model, history, marginQ, { days: 2 }) : 0,
        at: b.at,
        capacityLiters: b.model.capacityLitres,
      };
    });
  const selectionOptions = (pickupAt: number, nextPickupAt: number, afterNextPickupAt: number) => ({
    pickupAt,
    nextPickupAt,
    afterNextPickupAt,
    thresholdPct: THRESHOLD,
    optionalMinPct: 50,
    prizeMetresPerPct: 3,
    staleAfterMs: 6 * HOUR,
    minHistoryHours: 72,
    policy: POLICY,
    keepPct: KEEP_PCT,
    overOfferTrips: OVER_OFFER,
    ...(POINT_MATES ? { pointOf: (id: string) => pointOf.get(id) ?? id } : {}),
  });
  const rounds = ROUND_MIN.map((m, i) => ({ m, next: ROUND_MIN[i + 1] ?? ROUND_MIN[0]! + 24 * 60 }));
  // Minutes after day d's midnight of the round after r's next one.
  const afterNext = (r: (typeof rounds)[number]) => {
    const k = rounds.indexOf(r) + 1;
    return k < rounds.length ? rounds[k]!.next : rounds[0]!.next + 24 * 60;
  };
  for (let d = WARMUP_DAYS; d < WARMUP_DAYS + DAYS; d++) {
    let out = false;
    // Bins on today's planned rounds: a re-plan keeps them (done or pending), checks add others.
    const planned = new Set<string>();
    for (const r of rounds) {
      const planAt = r === rounds[0] ? localTime(d, PLAN_AT_MIN) : localTime(d, r.m - 60);
      for (const b of bins) b.advance(planAt);
      const pickupAt = localTime(d, r.m);
      const states = statesAt(planAt);
      for (const s of states) {
        margins.push(s.riseError);
        margins2.push(s.riseError2);
      }
      // The service's selection (round-stops.ts): the same code path as the deployed planner.
      const { selections, stops, tripsFirst } = roundStops(
        states,
        selectionOptions(pickupAt, localTime(d, r.next), localTime(d, afterNext(r))),
      );
      consolidated += selections.filter((s) => s.kind === 'mandatory' && s.reason === 'consolidated').length;
      const req: PlanRequest = {
        stops,
        fleet: planFleet,
        startAt: pickupAt,
        maxIterations: ITER,
        seed: seed + d,
        tripsFirst: withTail(tripsFirst),
      };
      const plan = planRound(req);
      if (!checkPlan(req, plan, travelFor(req)).feasible) infeasible++;
      skippedOptional += plan.skipped.length;
      optionalTaken += req.stops.filter((s) => s.prizeM !== undefined).length - plan.skipped.length;
      for (const t of plan.trucks) {
        const seq = t.visits.filter((v) => v.kind !== 'depot').map((v) => v.binId ?? 'dump');
        for (const x of seq) planned.add(x);
        const e = executeRoute(seq, pickupAt, exec, optionalStops(t.visits));
        // A bin left for truck_full is not handled: the checks watch it, a re-plan may offer it.
        for (const x of e.skippedFull) planned.delete(x);
        addDrive(drive, e);
        maxTruckMin = Math.max(maxTruckMin, e.minutes);
        truckDays++;
        out = true;
        if (DEBUG)
          console.error(
            `  day ${d - WARMUP_DAYS + 1} ${t.vehicleId}: ${seq.filter((x) => x !== 'dump').length} bins, ` +
              `${(e.distanceM / 1000).toFixed(1)} km (bins ${(e.betweenBinsM / 1000).toFixed(1)}), trips at ` +
              `${e.tripLoads.map((l) => Math.round((100 * l) / fleet.capacityLiters)).join('/')} % (planned ` +
              `${plannedTripLoads(t.visits)
                .map((l) => Math.round((100 * l) / fleet.capacityLiters))
                .join('/')} %), spread ${tripSpreadM(seq, (id) => exec.bins.get(id)!.at).join('/')} m` +
              (e.extraDumpTrips > 0 ? `, ${e.extraDumpTrips} unplanned dump trip(s)` : ''),
          );
      }
      if (DEBUG) {
        const mand = req.stops.filter((s) => s.prizeM === undefined);
        const litres = mand.reduce((a, s) => a + s.volumeLiters, 0);
        console.error(
          `day ${d - WARMUP_DAYS + 1} round ${r.m}: ${mand.length} mandatory (${Math.round(litres)} L = ` +
            `${((100 * litres) / planFleet.capacityLiters).toFixed(0)} % of a planned trip), ` +
            `${req.stops.length - mand.length - plan.skipped.length} optional taken, plan ${(plan.distanceM / 1000).toFixed(1)} km`,
        );
      }
    }
    // Intraday checks on live readings: a bin at URGENT_PCT or more, or forecast (with its
    // margin) to reach 100 % before the next planned round, is sent a truck now. The dispatch is
    // the service's intraday re-plan (checkIntraday -> plan()): the round's selection from now
    // (round-stops.ts replanStops, trips first by POLICY), less the bins already on today's rounds.
    for (const c of CHECK_MIN) {
      const checkAt = localTime(d, c);
      // The next two planned rounds after the check (minutes after day d's midnight).
      const ahead = [...ROUND_MIN, ...ROUND_MIN.map((m) => m + 24 * 60), ...ROUND_MIN.map((m) => m + 48 * 60)]
        .filter((m) => m > c)
        .slice(0, 2);
      const nextAt = localTime(d, ahead[0]!);
      let urgent = 0;
      for (const b of bins) {
        b.advance(checkAt);
        if (planned.has(b.id)) continue;
        const history = b.history.filter((s) => s.ts > checkAt - 28 * DAY && s.ts <= checkAt);
        const latest = history.at(-1);
        if (!latest || checkAt - latest.ts > 2 * HOUR) continue; // no live reading: the morning round decides
        const model = learnFillModel(history);
        const riseError = marginQ > 0 ? riseErrorQuantile(model, history, marginQ) : 0;
        const check = intradayCheck(
          { binId: b.id, model, latest, riseError },
          { now: checkAt, nextRoundAt: nextAt, urgentPct: URGENT_PCT },
        );
        if (check.urgent) urgent++;
      }
      if (urgent === 0) continue;
      checksOut++;
      const { stops, tripsFirst } = replanStops(
        statesAt(checkAt),
        selectionOptions(checkAt, nextAt, localTime(d, ahead[1]!)),
        planned,
      );
      if (DEBUG)
        console.error(`day ${d - WARMUP_DAYS + 1} check ${c}: ${urgent} urgent, ${stops.length} stops`);
      const plan = planRound({
        stops,
        fleet: planFleet,
        startAt: checkAt,
        maxIterations: ITER,
        seed: seed + d + c,
        tripsFirst: withTail(tripsFirst),
      });
      for (const t of plan.trucks) {
        const seq = t.visits.filter((v) => v.kind !== 'depot').map((v) => v.binId ?? 'dump');
        checkBins += seq.filter((x) => x !== 'dump').length;
        for (const x of seq) planned.add(x);
        const e = executeRoute(seq, checkAt, exec, optionalStops(t.visits));
        for (const x of e.skippedFull) planned.delete(x);
        addDrive(drive, e);
        truckDays++;
        out = true;
      }
    }
    if (out) daysOut++;
  }
  for (const b of bins) b.advance(localTime(WARMUP_DAYS + DAYS, 0));
  return {
    ...totals(bins, drive, truckDays),
    daysWithARound: daysOut,
    infeasiblePlans: infeasible,
    optionalTaken,
    optionalSkipped: skippedOptional,
    consolidatedBins: consolidated,
    intradayDispatches: checksOut,
    intradayBins: checkBins,
    longestTruckMinutes: round(maxTruckMin),
    meanRiseErrorMargin: round(margins.reduce((a, b) => a + b, 0) / Math.max(1, margins.length)),
    meanRiseErrorMargin2Days: round(margins2.reduce((a, b) => a + b, 0) / Math.max(1, margins2.length)),
  };
}

/**
 * The least a day with a round can drive: depot -> one bin -> dump -> depot, for the cheapest bin.
 * Whenever some bin needs a visit every day, the optimised plan cannot go below DAYS x this.
 */
function oneBinRoundKm(exec: ExecuteOptions): number {
  const { size: N, dist } = exec.travel;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 1; i < N - 1; i++) best = Math.min(best, dist[(N - 1) * N + i]! + dist[i * N]! + dist[N - 1]!);
  return best / 1000;
}

function communityOf(seed: number) {
  const { bins, exec, layout } = setup(seed);
  const count = (l: number) => bins.filter((b) => b.model.capacityLitres === l).length;
  const daily = bins.map((b) => b.model.meanDailyFillPct);
  return {
    containers: { '240': count(240), '660': count(660), '1100': count(1100) },
    meanDailyFillPct: [round(Math.min(...daily)), round(quantile(daily, 0.5)), round(Math.max(...daily))],
    litresPerDay: Math.round(bins.reduce((s, b) => s + b.model.meanLitresPerDay, 0)),
    oneBinRoundKm: round(oneBinRoundKm(exec)),
    ...(layout
      ? {
          households: layout.households,
          compounds: layout.compounds.length,
          collectionPoints: layout.points.length,
          bins: bins.length,
        }
      : { bins: bins.length }),
  };
}

const perSeed = SEEDS.map((seed) => {
  const fixed = runFixed(seed);
  const floor = fixed.haulFloorKm;
  const optimised = runOptimised(seed, MARGIN_Q);
  const noMargin = args['no-margin-run'] === 'off' ? undefined : runOptimised(seed, 0);
  const community = communityOf(seed);
  const row = {
    seed,
    community,
    fixedDailyRound: fixed,
    optimised,
    optimisedNoMargin: noMargin,
    kmRatio: round(optimised.km / fixed.km),
    kmSavedPct: round(100 * (1 - optimised.km / fixed.km)),
    kmSavedPctNoMargin: noMargin ? round(100 * (1 - noMargin.km / fixed.km)) : null,
    /** Most km a plan with a round every day could save: every round down to one bin. */
    kmSavedPctCeilingIfRoundEveryDay: round(100 * (1 - (DAYS * community.oneBinRoundKm) / fixed.km)),
    haulFloorKm: round(floor),
    /** Most km any plan collecting the fixed round's waste could save (haul floor). */
    kmSavedPctCeilingHaul: round(100 * (1 - floor / fixed.km)),
  };
  console.error(
    `seed ${seed}: fixed ${fixed.km} km ${fixed.overflowEvents} ovf ${fixed.binsCollected} bins | ` +
      `optimised ${optimised.km} km ${optimised.overflowEvents} ovf ${optimised.binsCollected} bins (${row.kmSavedPct}%) ` +
      `${optimised.optionalSkippedFull} skipped full, ${optimised.extraDumpTrips} extra dump | ` +
      `trips ${fixed.trips} at ${fixed.meanTripLoadPct}% vs ${optimised.trips} at ${optimised.meanTripLoadPct}% | ` +
      `km bins/haul ${fixed.kmBetweenBins}/${fixed.kmDepotAndDump} vs ${optimised.kmBetweenBins}/${optimised.kmDepotAndDump} | ` +
      (noMargin
        ? `no margin ${noMargin.km} km ${noMargin.overflowEvents} ovf (${row.kmSavedPctNoMargin}%) | `
        : '') +
      `haul-floor ceiling ${row.kmSavedPctCeilingHaul}% | optimised = floor ${optimised.haulFloorKm} + part-loads/radial/tour/yard ` +
      `${Object.values(optimised.kmAboveFloor).join('/')} km | truck-h ${fixed.truckHours} vs ${optimised.truckHours}`,
  );
  return row;
});

const median = (xs: number[]) => round(quantile(xs, 0.5));
const saved = perSeed.map((r) => r.kmSavedPct);
const overflows = perSeed.reduce((s, r) => s + r.optimised.overflowEvents, 0);
console.log(
  JSON.stringify(
    {
      scenario: {
        seeds: SEEDS,
        bins: BINS,
        days: DAYS,
        warmupDays: WARMUP_DAYS,
        thresholdPct: THRESHOLD,
        marginQuantile: MARGIN_Q,
        provisioning: PROVISIONING,
        rounds: args.rounds,
        fleet: { ...fleet, depot: undefined, dump: undefined, payloadKg: PAYLOAD_KG },
        households: HOUSEHOLDS,
        communitySideM: HOUSEHOLDS > 0 ? COMMUNITY_SIDE_M : undefined,
        depotToCenterM: HOUSEHOLDS > 0 ? 600 : 380,
        dumpToCenterM: DUMP_KM * 1000,
        planLoad: PLAN_LOAD,
        intradayChecks: args.checks,
        pointMates: POINT_MATES,
        policy: TRIPS_FIRST ? 'trips' : 'prize',
        keepPct: TRIPS_FIRST ? KEEP_PCT : undefined,
        overOfferTrips: TRIPS_FIRST ? OVER_OFFER : undefined,
        tailLoad: TRIPS_FIRST ? TAIL_LOAD : undefined,
        skipFull: SKIP_FULL,
        keepRoom: SKIP_FULL && KEEP_ROOM,
        roomMargin: SKIP_FULL && KEEP_ROOM ? ROOM_MARGIN : undefined,
        urgentPct: URGENT_PCT,
      },
      perSeed,
      summary: {
        kmSavedPct: { median: median(saved), min: Math.min(...saved), max: Math.max(...saved) },
        kmSavedPctNoMargin: median(perSeed.map((r) => r.kmSavedPctNoMargin ?? Number.NaN)),
        overflowEvents: {
          optimised: overflows,
          optimisedNoMargin: perSeed.reduce((s, r) => s + (r.optimisedNoMargin?.overflowEvents ?? 0), 0),
          fixedDailyRound: perSeed.reduce((s, r) => s + r.fixedDailyRound.overflowEvents, 0),
        },
      },
      goal: {
        kmSavedPct: 30,
        overflowEvents: 0,
        met: saved.every((s) => s >= 30) && overflows === 0,
      },
      machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model },
    },
    null,
    2,
  ),
);
