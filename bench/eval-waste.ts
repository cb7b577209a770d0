/**
 * npm run eval:waste [-- --days 30 --seed 1 --bins 20 --iterations 20000]
 *
 * Simulates a community's bins (firmware-sim's BinModel under a ManualClock, no Modbus) for a
 * warm-up of three weeks collected by the fixed round (the history the forecast learns from), then
 * `days` days twice from the same state: once with the fixed daily round of all bins, once with the
 * optimised plan (forecast -> mandatory/optional selection -> multi-trip solver). Both are driven
 * through the same executor (real levels, extra dump trips when the truck is full). Prints JSON.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { learnFillModel } from '../cloud/src/modules/waste-routing/forecast.js';
import { checkPlan } from '../cloud/src/modules/waste-routing/plan-check.js';
import {
  type FleetConfig,
  type PlanRequest,
  planRound,
  travelFor,
} from '../cloud/src/modules/waste-routing/planner.js';
import { type Selection, selectBin } from '../cloud/src/modules/waste-routing/selection.js';
import { type CommunityGeo, makeBins, offset, type SimBin } from './support/waste-community.js';
import { type ExecuteOptions, executeRoute } from './support/waste-execute.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TZ = 8 * HOUR;

const { values: args } = parseArgs({
  options: {
    days: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    bins: { type: 'string', default: '20' },
    iterations: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '09:30' },
  },
});
const DAYS = Number(args.days);
const SEED = Number(args.seed);
const BINS = Number(args.bins);
const ITER = Number(args.iterations);
const ROUND_MIN = args.rounds.split(',').map((s) => {
  const [h, m] = s.split(':').map(Number);
  return h! * 60 + (m ?? 0);
});

// ASSUMPTIONS of the scenario, printed with the results. A compound of 600 m x 400 m (a typical
// Shanghai residential community), the sanitation team's yard at its edge, the district transfer
// station 1.5 km away; a small compactor truck; 240 L bins (the sim's model).
const center = { lat: 31.2304, lon: 121.4737 };
const geo: CommunityGeo = { center, depot: offset(center, 350, -150), dump: offset(center, 1200, 900) };
const fleet: FleetConfig = {
  depot: geo.depot,
  dump: geo.dump,
  vehicleIds: ['truck-1', 'truck-2'],
  capacityLiters: 3000,
  shiftMinutes: 8 * 60,
  speedKmh: 15,
  detourFactor: 1.3,
  serviceMinutes: 2,
  dumpMinutes: 10,
};
const BIN_L = 240;
const THRESHOLD = 80;
const PLAN_AT_MIN = 5 * 60 + 30;
const WARMUP_DAYS = 21;
// Monday 2025-03-03 00:00 local (UTC+8).
const START = Date.UTC(2025, 2, 3) - TZ;

const localTime = (day: number, minutes: number) => START + day * DAY + minutes * 60_000;

function setup() {
  const bins = makeBins(SEED, BINS, geo, 600, 400, START);
  const byId = new Map(bins.map((b) => [b.id, b]));
  const stops = bins.map((b) => ({ binId: b.id, at: b.at, volumeLiters: BIN_L, forecastPct: 100 }));
  const travel = travelFor({ stops, fleet });
  const exec: ExecuteOptions = {
    travel,
    nodeOf: new Map(bins.map((b, i) => [b.id, i + 1])),
    bins: byId,
    binLiters: BIN_L,
    capacityLiters: fleet.capacityLiters,
    serviceMinutes: fleet.serviceMinutes,
    dumpMinutes: fleet.dumpMinutes,
  };
  return { bins, stops, exec };
}

/** The fixed round: every bin, one order planned once on mean volumes, driven every day. */
function fixedSequence(bins: SimBin[], stops: PlanRequest['stops']): string[] {
  const meanFill = (b: SimBin) => Math.min(100, learnFillModel(b.history).dailyRate);
  const plan = planRound({
    stops: stops.map((s, i) => ({ ...s, volumeLiters: (meanFill(bins[i]!) / 100) * BIN_L })),
    fleet,
    startAt: 0,
    maxIterations: ITER,
    seed: SEED,
  });
  return plan.trucks.flatMap((t) => t.visits.filter((v) => v.kind !== 'depot').map((v) => v.binId ?? 'dump'));
}

interface Totals {
  km: number;
  hours: number;
  binsCollected: number;
  overflowEvents: number;
  fullBinHours: number;
  extraDumpTrips: number;
  trucksDays: number;
  dailyKm: number[];
}

function totals(bins: SimBin[], km: number[], hours: number, extra: number, truckDays: number): Totals {
  return {
    km: round(km.reduce((a, b) => a + b, 0)),
    hours: round(hours),
    binsCollected: bins.reduce((s, b) => s + b.collections, 0),
    overflowEvents: bins.reduce((s, b) => s + b.overflowEvents, 0),
    fullBinHours: round(bins.reduce((s, b) => s + b.fullMinutes, 0) / 60),
    extraDumpTrips: extra,
    trucksDays: truckDays,
    dailyKm: km.map(round),
  };
}
const round = (x: number) => Math.round(x * 100) / 100;

function resetCounters(bins: SimBin[]) {
  for (const b of bins) {
    b.overflowEvents = 0;
    b.fullMinutes = 0;
    b.collections = 0;
  }
}

/** Warm-up: the fixed round for WARMUP_DAYS, so both runs start from the same state and history. */
function warmUp(
  bins: SimBin[],
  seq: string[] | undefined,
  exec: ExecuteOptions,
  stops: PlanRequest['stops'],
) {
  const order = seq ?? bins.map((b) => b.id);
  for (let d = 0; d < WARMUP_DAYS; d++) executeRoute(order, localTime(d, ROUND_MIN[0]!), exec);
  for (const b of bins) b.advance(localTime(WARMUP_DAYS, 0));
  resetCounters(bins);
  return seq ?? fixedSequence(bins, stops);
}

function runFixed() {
  const { bins, stops, exec } = setup();
  const seq = warmUp(bins, undefined, exec, stops);
  const km: number[] = [];
  let minutes = 0;
  let extra = 0;
  for (let d = WARMUP_DAYS; d < WARMUP_DAYS + DAYS; d++) {
    const e = executeRoute(seq, localTime(d, ROUND_MIN[0]!), exec);
    km.push(e.distanceM / 1000);
    minutes += e.minutes;
    extra += e.extraDumpTrips;
  }
  for (const b of bins) b.advance(localTime(WARMUP_DAYS + DAYS, 0));
  return { result: totals(bins, km, minutes / 60, extra, DAYS), seq };
}

function runOptimised(fixedSeq: string[]) {
  const { bins, stops, exec } = setup();
  warmUp(bins, fixedSeq, exec, stops);
  const km: number[] = [];
  let minutes = 0;
  let extra = 0;
  let truckDays = 0;
  let infeasible = 0;
  let skippedOptional = 0;
  let optionalTaken = 0;
  let solveMs = 0;
  const rounds = ROUND_MIN.map((m, i) => ({ m, next: ROUND_MIN[i + 1] ?? ROUND_MIN[0]! + 24 * 60 }));
  for (let d = WARMUP_DAYS; d < WARMUP_DAYS + DAYS; d++) {
    let dayKm = 0;
    for (const r of rounds) {
      const planAt = r === rounds[0] ? localTime(d, PLAN_AT_MIN) : localTime(d, r.m - 60);
      for (const b of bins) b.advance(planAt);
      const pickupAt = localTime(d, r.m);
      const selections: Selection[] = bins.map((b) =>
        selectBin(
          {
            binId: b.id,
            model: learnFillModel(b.history.filter((s) => s.ts > planAt - 28 * DAY)),
            latest: b.history.at(-1),
          },
          {
            pickupAt,
            nextPickupAt: localTime(d, r.next),
            thresholdPct: THRESHOLD,
            optionalMinPct: 50,
            prizeMetresPerPct: 3,
            staleAfterMs: 6 * HOUR,
            minHistoryHours: 72,
          },
        ),
      );
      const req: PlanRequest = {
        stops: selections
          .map((s, i) => ({ s, b: bins[i]! }))
          .filter(({ s }) => s.kind !== 'none')
          .map(({ s, b }) => ({
            binId: b.id,
            at: b.at,
            forecastPct: s.forecastPct,
            volumeLiters: (Math.min(100, s.forecastPct) / 100) * BIN_L,
            ...(s.kind === 'optional' ? { prizeM: s.prizeM } : {}),
          })),
        fleet,
        startAt: pickupAt,
        maxIterations: ITER,
        seed: SEED + d,
      };
      const plan = planRound(req);
      solveMs += plan.elapsedMs;
      if (!checkPlan(req, plan, travelFor(req)).feasible) infeasible++;
      skippedOptional += plan.skipped.length;
      optionalTaken += req.stops.filter((s) => s.prizeM !== undefined).length - plan.skipped.length;
      for (const t of plan.trucks) {
        const seq = t.visits.filter((v) => v.kind !== 'depot').map((v) => v.binId ?? 'dump');
        const e = executeRoute(seq, pickupAt, exec);
        dayKm += e.distanceM / 1000;
        minutes += e.minutes;
        extra += e.extraDumpTrips;
        truckDays++;
      }
    }
    km.push(dayKm);
  }
  for (const b of bins) b.advance(localTime(WARMUP_DAYS + DAYS, 0));
  return {
    result: totals(bins, km, minutes / 60, extra, truckDays),
    infeasiblePlans: infeasible,
    optionalTaken,
    optionalSkipped: skippedOptional,
    solveMsPerRound: round(solveMs / (DAYS * rounds.length)),
  };
}

const fixed = runFixed();
const opt = runOptimised(fixed.seq);
const saved = 1 - opt.result.km / fixed.result.km;
console.log(
  JSON.stringify(
    {
      scenario: {
        seed: SEED,
        bins: BINS,
        days: DAYS,
        warmupDays: WARMUP_DAYS,
        binLiters: BIN_L,
        thresholdPct: THRESHOLD,
        rounds: args.rounds,
        fleet: { ...fleet, depot: undefined, dump: undefined },
        depotToCenterM: 380,
        dumpToCenterM: 1500,
      },
      fixedDailyRound: fixed.result,
      optimised: {
        ...opt.result,
        infeasiblePlans: opt.infeasiblePlans,
        optionalTaken: opt.optionalTaken,
        optionalSkipped: opt.optionalSkipped,
        solveMsPerRound: opt.solveMsPerRound,
      },
      kmSavedPct: round(saved * 100),
      goal: { kmSavedPct: 30, overflowEvents: 0, met: saved >= 0.3 && opt.result.overflowEvents === 0 },
      machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model },
    },
    null,
    2,
  ),
);
