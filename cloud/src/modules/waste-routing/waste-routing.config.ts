/** Settings of waste planning, with the defaults the module runs on when nothing is configured. */
import { zoneOffsetHours } from '../../jobs/timezone.js';
import type { GeoPoint, RoadMatrix } from './geo.js';
import type { FleetConfig } from './planner.js';
import type { WastePolicy } from './round-stops.js';

export interface WasteRoutingConfig {
  /** Depot and dump; when absent both sit at the centre of the registered bins. */
  depot?: GeoPoint;
  dump?: GeoPoint;
  /**
   * The trucks. `capacityLiters` is a truck's payload; plans fill `planLoadPct` % of it (the rest
   * absorbs forecast error, so a truck does not need an unplanned trip to the dump), as eval:waste
   * plans to 95 % of the payload (`--plan-load 0.95`). 95 rather than 90 since plans count each
   * bin's litres at the truck's arrival (planner volumeAt), not at the round's start.
   */
  fleet: Omit<FleetConfig, 'depot' | 'dump'> & { planLoadPct: number };
  /** Local time the trucks leave (HH:MM). */
  roundTime: string;
  /** node-cron expression and zone of the morning planning run. */
  cron: string;
  timezone: string;
  utcOffsetHours: number;
  thresholdPct: number;
  /**
   * Which bins a round offers the planner (round-stops.ts): `trips` (default) fixes the trips by
   * the mandatory litres and tops them up with the bins fullest at the next round (eval:waste,
   * seeds 1-5 on 27 Nov 2026: median 25.9 % km saved with tailLoadPct 110, 23.2 % without, 0
   * overflows); `prize` is the policy before (optional bins >= `optionalMinPct` at
   * `prizeMetresPerPct`; 13.2 %, 1 overflow in 5 seeds). Env WASTE_POLICY.
   */
  policy: WastePolicy;
  /** trips: a bin that is not due and holds less than this share of its container (%) is left. */
  keepPct: number;
  /** trips: top-up bins offered beyond the trips' free room, in trips (selection.ts levelTrips). */
  overOfferTrips: number;
  /**
   * trips: optional tails (planner TripsFirstOptions.tailLiters), % of the truck's payload: after
   * the solver fills each trip to planLoadPct, optional bins are appended to its end up to this
   * share, for the crew to skip when the truck is full (reason truck_full). 0: no tails. 110 as
   * eval:waste measured (--tail-load 1.1: median 25.9 % km saved over seeds 1-5, 23.2 % without).
   */
  tailLoadPct: number;
  /**
   * Local times (HH:MM) of the intraday checks on live readings (service.checkIntraday): a bin
   * off today's round at `urgentPct` or forecast to overflow before the next round gets a re-plan.
   */
  intradayChecks: string[];
  urgentPct: number;
  /**
   * Collection points: a bin's point is the registry's `pointId` when it has one; bins without one
   * standing within this many metres of each other (chained) are one point (round-stops.ts
   * binPoints, collectionPoints). A point with a due bin offers its others too (withPointMates:
   * emptying them costs no km), as eval:waste does. 0: only the registry's points.
   */
  pointRadiusM: number;
  optionalMinPct: number;
  prizeMetresPerPct: number;
  /**
   * Safety margin: quantile of each bin's relative forecast error (forecast.ts riseErrorQuantile)
   * added to its forecast rise when deciding what is mandatory; 0 turns it off.
   */
  marginQuantile: number;
  /** Fill history the forecast learns from. */
  historyDays: number;
  /** Bin volume when the registry gives none (the sim's 240 L wheelie bin). */
  defaultBinLiters: number;
  fireTempC: number;
  tiltDeg: number;
  timeLimitMs: number;
  /**
   * Iteration budget of the solver (the time limit still applies): a plan that does not depend on
   * machine load, as tests and evaluations want. Unset: the time limit alone.
   */
  maxIterations?: number;
  seed: number;
  road?: RoadMatrix;
}

export const DEFAULT_WASTE_CONFIG: WasteRoutingConfig = {
  fleet: {
    vehicleIds: ['truck-1', 'truck-2'],
    capacityLiters: 6000,
    planLoadPct: 95,
    shiftMinutes: 8 * 60,
    speedKmh: 15,
    detourFactor: 1.3,
    serviceMinutes: 2,
    dumpMinutes: 10,
  },
  roundTime: '09:30',
  cron: '30 5 * * *',
  timezone: 'Asia/Shanghai',
  utcOffsetHours: 8,
  thresholdPct: 80,
  policy: 'trips',
  keepPct: 15,
  overOfferTrips: 1,
  tailLoadPct: 110,
  intradayChecks: ['13:00', '16:30', '20:30'],
  urgentPct: 90,
  pointRadiusM: 10,
  optionalMinPct: 50,
  prizeMetresPerPct: 3,
  marginQuantile: 0.95,
  historyDays: 28,
  defaultBinLiters: 240,
  fireTempC: 60,
  tiltDeg: 45,
  timeLimitMs: 5000,
  seed: 1,
};

/**
 * The defaults on the deployment's zone (LINLI_TZ): the morning plan runs on its wall clock and the
 * round's dates and times are its local ones. The fixed offset is the zone's at `at` (startup): exact
 * in zones without daylight saving, which covers every Chinese deployment.
 */
export function wasteConfigInZone(timezone: string, at: number): WasteRoutingConfig {
  return { ...DEFAULT_WASTE_CONFIG, timezone, utcOffsetHours: zoneOffsetHours(timezone, at) };
}
