/** Rows and views of the waste-routing module (its own tables, declared here, not in db/schema.ts). */

export type StopKind = 'bin' | 'dump' | 'depot';
export type StopStatus = 'pending' | 'done' | 'skipped';
/** truck_full: an optional stop left because the truck is full (refused for a mandatory one). */
export const SKIP_REASONS = ['blocked', 'not_accessible', 'truck_full'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

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
  /** 1: an optional bin stop (a top-up the round may leave, e.g. when the truck is full); 0: not. */
  optional: number;
  /** A bin stop's litres as planned (forecast at the planned arrival); null for other stops. */
  planned_liters: number | null;
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
  /** The collection point the registry names for the bin (stops at one point are one halt); null: none. */
  pointId: string | null;
  lat: number | null;
  lon: number | null;
  trip: number;
  expectedAt: number;
  forecastPct: number | null;
  /**
   * An optional bin stop: a top-up, not forecast to need this round. When the truck is full the
   * crew skips it (reason truck_full) rather than drive to the station and back for it.
   */
  optional: boolean;
  /**
   * A bin stop's litres as planned (its forecast at the planned arrival). The crew keeps room for
   * the mandatory stops ahead on the trip: an optional stop whose waste would not fit beside the
   * load and their planned litres (plus KEEP_ROOM_MARGIN) is skipped as truck_full (truck-room.ts).
   */
  plannedLiters: number | null;
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
  /** The skipped bin stops by reason: blocked or not_accessible recurring at a bin calls for a fix on site; truck_full for more trucks or capacity. */
  skippedByReason: Record<SkipReason, number>;
  overflowEvents: number;
  baselineKm: number;
  kmSaved: number;
}
