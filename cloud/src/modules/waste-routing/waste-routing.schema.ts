/** TypeBox schemas of the waste-routing API (requests validated, responses serialised from them). */
import { Type } from 'typebox';

export const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

/** Why a crew skipped a stop (model SkipReason): in a route's stops and in a skip report. */
const SkipReasonSchema = Type.Union(
  [Type.Literal('blocked'), Type.Literal('not_accessible'), Type.Literal('truck_full')],
  { description: 'truck_full: optional stops only (a mandatory bin is worth an unloading)' },
);

export const RouteStopSchema = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  kind: Type.Union([Type.Literal('bin'), Type.Literal('dump'), Type.Literal('depot')]),
  binId: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  pointId: Type.Union([Type.String(), Type.Null()], {
    description: "the bin's collection point in the registry: consecutive stops at one point are one halt",
  }),
  lat: Type.Union([Type.Number(), Type.Null()]),
  lon: Type.Union([Type.Number(), Type.Null()]),
  trip: Type.Integer(),
  expectedAt: Type.Number({ description: 'expected arrival, ms since the epoch' }),
  forecastPct: Type.Union([Type.Number(), Type.Null()]),
  optional: Type.Boolean({
    description:
      'a top-up bin the round may leave: when the truck is full, skip it (reason truck_full) instead of unloading for it',
  }),
  plannedLiters: Type.Union([Type.Number(), Type.Null()], {
    description:
      "a bin's litres as planned: at an optional stop, skip it (truck_full) when its waste would not fit beside the load and the plannedLiters of the trip's mandatory stops still ahead plus 5 % (truck-room.ts)",
  }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('done'), Type.Literal('skipped')]),
  measuredPct: Type.Union([Type.Number(), Type.Null()]),
  skipReason: Type.Union([SkipReasonSchema, Type.Null()]),
  doneAt: Type.Union([Type.Number(), Type.Null()]),
});

export const TruckRouteSchema = Type.Object({
  vehicleId: Type.String(),
  distanceM: Type.Number(),
  durationMin: Type.Number(),
  stops: Type.Array(RouteStopSchema),
});

export const RoundSchema = Type.Object({
  id: Type.String(),
  date: DateString,
  pickupAt: Type.Number(),
  plannedAt: Type.Number(),
  distanceM: Type.Number(),
  baselineM: Type.Number({ description: 'a fixed round of all bins that day' }),
  trucks: Type.Array(TruckRouteSchema),
  warnings: Type.Optional(
    Type.Array(Type.String(), {
      description: 'what the plan just made could not do as configured, and the fix',
    }),
  ),
});

export const StopOutcomeSchema = Type.Union([
  Type.Object({ status: Type.Literal('done'), measuredPct: Type.Number({ minimum: 0, maximum: 100 }) }),
  Type.Object({
    status: Type.Literal('skipped'),
    reason: SkipReasonSchema,
  }),
]);

export const DayStatsSchema = Type.Object({
  date: DateString,
  km: Type.Number(),
  hours: Type.Number(),
  binsCollected: Type.Integer(),
  binsSkipped: Type.Integer(),
  skippedByReason: Type.Object({
    blocked: Type.Integer(),
    not_accessible: Type.Integer(),
    truck_full: Type.Integer(),
  }),
  overflowEvents: Type.Integer(),
  baselineKm: Type.Number(),
  kmSaved: Type.Number(),
});
