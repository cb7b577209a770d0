/**
 * Which bins a round must, may, or need not visit (pure).
 *
 * Mandatory: the forecast (with its margin) says the bin reaches the threshold before the round after this one
 * (skipping it today would let it fill up before the truck is back), or its level is unknown
 * (no history or no recent reading: a dead sensor must not hide a full bin).
 * Optional: at least `optionalMinPct` full at pickup; it carries a prize (a skip penalty in
 * metres) so the solver takes it only when the detour is cheaper than the prize.
 *
 * Safety margin: the mandatory test scales the forecast rise by (1 + `riseError`), the bin's own
 * forecast error quantile (forecast.ts riseErrorQuantile), so a bin whose waste varies more from
 * day to day is taken earlier. `forecastPct` (volumes, prizes) stays the point forecast.
 */
import { expectedRise, type FillModel, forecastFill } from './forecast.js';

const HOUR = 3_600_000;

export interface BinState {
  binId: string;
  model: FillModel | undefined;
  latest: { ts: number; fillPct: number } | undefined;
  /** Relative forecast error allowed for (e.g. its 95th percentile); 0 or absent: none. */
  riseError?: number;
  /** The same over two days (forecast.ts riseErrorQuantile with days: 2), for horizons > 30 h. */
  riseError2?: number;
}

export interface SelectionOptions {
  /** Round time (ms) and the following round's time. */
  pickupAt: number;
  nextPickupAt: number;
  thresholdPct: number;
  optionalMinPct: number;
  /** Prize of an optional bin, metres per percentage point of forecast fill at pickup. */
  prizeMetresPerPct: number;
  /** A reading older than this makes the level unknown. */
  staleAfterMs: number;
  /** Hours of history a model needs to be trusted. */
  minHistoryHours: number;
}

export type Selection =
  | {
      binId: string;
      kind: 'mandatory';
      /** consolidated: taken today so that the next round need not go out (selectRound). */
      reason: 'forecast' | 'no_data' | 'consolidated';
      forecastPct: number;
      nextRoundPct: number;
    }
  | { binId: string; kind: 'optional'; forecastPct: number; nextRoundPct: number; prizeM: number }
  | { binId: string; kind: 'none'; forecastPct: number; nextRoundPct: number };

export function selectBin(state: BinState, o: SelectionOptions): Selection {
  const { binId, model, latest } = state;
  if (!latest || !model || model.hours < o.minHistoryHours || o.pickupAt - latest.ts > o.staleAfterMs) {
    const pct = latest?.fillPct ?? 100;
    return { binId, kind: 'mandatory', reason: 'no_data', forecastPct: pct, nextRoundPct: pct };
  }
  const forecastPct = forecastFill(model, latest.fillPct, latest.ts, o.pickupAt);
  const nextRoundPct = forecastFill(model, latest.fillPct, latest.ts, o.nextPickupAt);
  const safe = (at: number) => {
    const err = at - latest.ts > 30 * HOUR ? (state.riseError2 ?? state.riseError) : state.riseError;
    return latest.fillPct + expectedRise(model, latest.ts, at) * (1 + Math.max(0, err ?? 0));
  };
  if (safe(o.nextPickupAt) >= o.thresholdPct || safe(o.pickupAt) >= o.thresholdPct) {
    return { binId, kind: 'mandatory', reason: 'forecast', forecastPct, nextRoundPct };
  }
  if (forecastPct >= o.optionalMinPct) {
    return { binId, kind: 'optional', forecastPct, nextRoundPct, prizeM: o.prizeMetresPerPct * forecastPct };
  }
  return { binId, kind: 'none', forecastPct, nextRoundPct };
}

/**
 * Intraday check of a bin off today's round, on its live reading: urgent when it is at
 * `urgentPct` or more, or forecast (with its margin) to reach 100 % before the next round. The
 * selection also says whether it is worth taking along as optional (`optionalMinPct`).
 */
export function intradayCheck(
  state: BinState,
  o: {
    now: number;
    nextRoundAt: number;
    urgentPct: number;
    optionalMinPct?: number;
    prizeMetresPerPct?: number;
  },
): { urgent: boolean; selection: Selection } {
  const selection = selectBin(state, {
    pickupAt: o.now,
    nextPickupAt: o.nextRoundAt,
    thresholdPct: 100,
    optionalMinPct: o.optionalMinPct ?? 101,
    prizeMetresPerPct: o.prizeMetresPerPct ?? 0,
    staleAfterMs: 2 * HOUR,
    minHistoryHours: 72,
  });
  const urgent =
    (state.latest?.fillPct ?? 0) >= o.urgentPct ||
    (selection.kind === 'mandatory' && selection.reason === 'forecast');
  return { urgent, selection };
}

export interface RoundSelectionOptions extends SelectionOptions {
  /** The round after the next one (ms). */
  afterNextPickupAt: number;
}

/**
 * Selection for a whole round, with two day-level rules on top of selectBin:
 * - No mandatory bin: no round (optional bins wait; a truck that need not go out saves its
 *   depot -> compound -> dump -> depot km, the bulk of a round in a compound).
 * - Consolidation: when a round goes out and no bin will need the next round regardless (a bin
 *   that reaches the threshold within two rounds even when emptied today, or one without data),
 *   every bin that would force the next round is taken today, so the next round need not go out.
 *   When some bin needs the next round anyway, the others keep their optional prizes.
 */
export function selectRound(states: readonly BinState[], o: RoundSelectionOptions): Selection[] {
  const sel = states.map((s) => selectBin(s, o));
  if (!sel.some((s) => s.kind === 'mandatory'))
    return sel.map((s) => (s.kind === 'optional' ? { ...s, kind: 'none' as const } : s));
  // Tomorrow's decision, predicted with tomorrow's rule: the level at tomorrow's planning time
  // (as long before its round as today's is) by the point forecast, then tomorrow's mandatory test
  // with its margin. Safety does not rest on this prediction: tomorrow decides again on fresh data.
  const after = { ...o, pickupAt: o.nextPickupAt, nextPickupAt: o.afterNextPickupAt };
  const tomorrow = (s: BinState, from: { ts: number; fillPct: number }) => {
    if (!s.model) return true;
    const planAt = Math.max(from.ts, o.nextPickupAt - (o.pickupAt - (s.latest?.ts ?? o.pickupAt)));
    const fillPct = from.fillPct + expectedRise(s.model, from.ts, planAt);
    return selectBin({ ...s, latest: { ts: planAt, fillPct } }, after).kind === 'mandatory';
  };
  // Taken today if we consolidate: today's mandatory bins and those that would force the next round.
  const forcesNext = states.map((s, i) => sel[i]!.kind !== 'mandatory' && tomorrow(s, s.latest!));
  const needsNextAnyway = states.some((s, i) => {
    const x = sel[i]!;
    if (x.kind === 'mandatory' && x.reason === 'no_data') return true;
    if (x.kind !== 'mandatory' && !forcesNext[i]) return false;
    // Emptied today: would tomorrow still find it mandatory?
    return tomorrow(s, { ts: o.pickupAt, fillPct: 0 });
  });
  if (needsNextAnyway) return sel;
  return sel.map((x, i) =>
    forcesNext[i]
      ? {
          binId: x.binId,
          kind: 'mandatory' as const,
          reason: 'consolidated' as const,
          forecastPct: x.forecastPct,
          nextRoundPct: x.nextRoundPct,
        }
      : x,
  );
}

/**
 * Containers standing together at one collection point: when a round stops there for one of them,
 * emptying the others costs no km, only service minutes. Every container of a point with a
 * mandatory container becomes at least optional with a prize (the solver still leaves it when the
 * truck's load does not allow it), so the point is not visited again the next day for a mate
 * that was just below the optional level. `pointOf`: bin id -> collection point id.
 */
export function withPointMates(
  sel: readonly Selection[],
  pointOf: (binId: string) => string,
  prizeMetresPerPct: number,
  minPrizeM = 50,
): Selection[] {
  const due = new Set(sel.filter((s) => s.kind === 'mandatory').map((s) => pointOf(s.binId)));
  return sel.map((s) =>
    s.kind === 'none' && due.has(pointOf(s.binId))
      ? {
          binId: s.binId,
          kind: 'optional' as const,
          forecastPct: s.forecastPct,
          nextRoundPct: s.nextRoundPct,
          prizeM: Math.max(minPrizeM, prizeMetresPerPct * s.forecastPct),
        }
      : s,
  );
}

/** A bin as the trip-count-first policy sees it (levelTrips). */
export interface TripBin {
  binId: string;
  /** Mandatory bins are planned whatever it costs; the others may top up a trip. */
  mandatory: boolean;
  /** Litres expected at pickup. */
  volumeLiters: number;
  /** Forecast level at the round after this one (%): the fuller, the sooner it forces a trip. */
  nextRoundPct: number;
  /** A bin holding less is left: emptying it would not save a later trip (default 0: none left). */
  keepLiters?: number;
}

export interface LevelTripsOptions {
  /** Litres one trip may carry (the planned payload, e.g. 90 % of the truck's). */
  tripLiters: number;
  /** Metres of one trip's haul: community -> dump station -> community. */
  tripCostM: number;
  /** Share of the haul an optional bin's litres are worth (default 0.8: below a whole trip). */
  prizeShare?: number;
  /**
   * Top-up candidates offered beyond the trips' free room, in trips (default 0.5): the solver
   * picks among them by detour; their prizes together stay below one trip's haul, so they never
   * open an extra trip.
   */
  overOfferTrips?: number;
}

export interface LevelTrips {
  /** Trips the mandatory bins need at the planned payload. */
  trips: number;
  /** Optional bins and their prizes (metres); every other non-mandatory bin is left. */
  prizes: Map<string, number>;
}

/**
 * Trip-count-first selection. Each trip to the dump station costs the haul (km community ->
 * station -> community), the bulk of a round's km, so the number of trips matters more than the
 * number of bins: the mandatory bins fix how many trips go out (ceil(mandatory litres / payload)),
 * then the free room of those trips is topped up with the bins that would force a trip soonest
 * (highest forecast at the next round), each at a prize of `prizeShare` x its share of a trip's
 * haul, so the trips leave as full as planned and tomorrow's mandatory litres shrink. Bins
 * under their `keepLiters` are left. No mandatory bin: no trip, nothing offered.
 */
export function levelTrips(bins: readonly TripBin[], o: LevelTripsOptions): LevelTrips {
  const prizes = new Map<string, number>();
  const mandatory = bins.filter((b) => b.mandatory).reduce((s, b) => s + Math.max(0, b.volumeLiters), 0);
  if (!bins.some((b) => b.mandatory)) return { trips: 0, prizes };
  const trips = Math.max(1, Math.ceil(mandatory / o.tripLiters - 1e-9));
  let offer = trips * o.tripLiters - mandatory + (o.overOfferTrips ?? 0.5) * o.tripLiters;
  const share = o.prizeShare ?? 0.8;
  const candidates = bins
    .filter((b) => !b.mandatory && b.volumeLiters > 0 && b.volumeLiters >= (b.keepLiters ?? 0))
    .sort((a, b) => b.nextRoundPct - a.nextRoundPct || a.binId.localeCompare(b.binId));
  for (const b of candidates) {
    if (b.volumeLiters > offer) continue;
    offer -= b.volumeLiters;
    prizes.set(b.binId, (share * o.tripCostM * b.volumeLiters) / o.tripLiters);
  }
  return { trips, prizes };
}
