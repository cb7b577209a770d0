/**
 * Which bins a round must, may, or need not visit (pure).
 *
 * Mandatory: the forecast says the bin reaches the threshold before the round after this one
 * (skipping it today would let it fill up before the truck is back), or its level is unknown
 * (no history or no recent reading: a dead sensor must not hide a full bin).
 * Optional: at least `optionalMinPct` full at pickup; it carries a prize (a skip penalty in
 * metres) so the solver takes it only when the detour is cheaper than the prize.
 */
import { type FillModel, forecastFill } from './forecast.js';

export interface BinState {
  binId: string;
  model: FillModel | undefined;
  latest: { ts: number; fillPct: number } | undefined;
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
      reason: 'forecast' | 'no_data';
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
  if (nextRoundPct >= o.thresholdPct || forecastPct >= o.thresholdPct) {
    return { binId, kind: 'mandatory', reason: 'forecast', forecastPct, nextRoundPct };
  }
  if (forecastPct >= o.optionalMinPct) {
    return { binId, kind: 'optional', forecastPct, nextRoundPct, prizeM: o.prizeMetresPerPct * forecastPct };
  }
  return { binId, kind: 'none', forecastPct, nextRoundPct };
}
