/** Rows and views of the waste-routing module (its own tables, declared here, not in db/schema.ts). */

export type StopKind = 'bin' | 'dump' | 'depot';
export type StopStatus = 'pending' | 'done' | 'skipped';
export type SkipReason = 'blocked' | 'not_accessible';

export type WasteRoundsTable = {
  id: string;
  /** Local calendar date YYYY-MM-DD of the round. */
  date: string;
  pickup_at: number;
  planned_at: number;
  /** Metres of a fixed round of all bins that day, for "km saved". */
  baseline_m: number;
  created_at: number;
};

export type WasteStopsTable = {
  id: string;
  round_id: string;
  vehicle_id: string;
  seq: number;
  kind: StopKind;
  bin_id: string | null;
  trip: number;
  expected_at: number;
  forecast_pct: number | null;
  /** Metres and seconds from the previous visit (the depot for the first). */
  leg_m: number;
  leg_s: number;
  status: StopStatus;
  measured_pct: number | null;
  skip_reason: SkipReason | null;
  done_at: number | null;
  done_by: string | null;
};

/** A type alias, not an interface: Kysely's withTables needs an index-compatible record. */
export type WasteTables = {
  waste_rounds: WasteRoundsTable;
  waste_stops: WasteStopsTable;
};

export interface RouteStop {
  id: string;
  seq: number;
  kind: StopKind;
  binId: string | null;
  /** The bin's name in the registry (its address for the crew). */
  address: string | null;
  lat: number | null;
  lon: number | null;
  trip: number;
  expectedAt: number;
  forecastPct: number | null;
  status: StopStatus;
  measuredPct: number | null;
  skipReason: SkipReason | null;
  doneAt: number | null;
}

export interface TruckRouteView {
  vehicleId: string;
  distanceM: number;
  durationMin: number;
  stops: RouteStop[];
}

export interface RoundView {
  id: string;
  date: string;
  pickupAt: number;
  plannedAt: number;
  distanceM: number;
  baselineM: number;
  trucks: TruckRouteView[];
  /** On the answer of a plan only: what it could not do as configured, and the fix. */
  warnings?: string[];
}

export interface DayStats {
  date: string;
  km: number;
  hours: number;
  binsCollected: number;
  binsSkipped: number;
  overflowEvents: number;
  baselineKm: number;
  kmSaved: number;
}
