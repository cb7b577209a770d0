import { type Static, Type } from 'typebox';
import { ID_PATTERN } from '../topics.js';
import { createParser } from '../validation.js';

const Count = Type.Integer({ minimum: 0 });

/** Per-bus figures: where polling goes wrong (a bad RS-485 line shows as timeouts on one bus). */
export const BusStats = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN }),
    requests: Count,
    timeouts: Count,
    exceptions: Count,
    meanLatencyMs: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type BusStats = Static<typeof BusStats>;

/**
 * What the agent did to register values on the way (edge counters/plausibility): values dropped as
 * outside their profile range, and counter totals carried across a wrap-around or a meter reset.
 */
/** What a gateway that predates `values` is read as: nothing counted. */
export const NO_VALUE_EVENTS = Object.freeze({ rangeErrors: 0, counterWraps: 0, counterResets: 0 });
export const ValueStats = Type.Object(
  { rangeErrors: Count, counterWraps: Count, counterResets: Count },
  { additionalProperties: false, default: NO_VALUE_EVENTS },
);
export type ValueStats = Static<typeof ValueStats>;

/**
 * Published periodically on linli/v1/{gw}/stats. Counters run from agent start (uptimeS tells a
 * restart from a reset), so the cloud derives rates from two consecutive messages.
 */
export const GatewayStats = Type.Object(
  {
    v: Type.Literal(1),
    gatewayId: Type.String({ pattern: ID_PATTERN }),
    ts: Type.Integer({ minimum: 0 }),
    uptimeS: Type.Number({ minimum: 0 }),
    configVersion: Type.Optional(Type.String({ maxLength: 128 })),
    outbox: Type.Object(
      {
        /** Readings stored but not yet acknowledged by the broker. */
        pending: Count,
        /** Device timestamp of the oldest pending reading; null when the outbox is empty. */
        oldestTs: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
        bytes: Type.Optional(Count),
        /** Readings dropped by the outbox bounds since it was created (routine first, then events). */
        droppedRoutine: Type.Optional(Count),
        droppedEvents: Type.Optional(Count),
        /** At the recent append rate, hours until the bounds start dropping readings. */
        hoursLeft: Type.Optional(Type.Union([Type.Number({ minimum: 0 }), Type.Null()])),
      },
      { additionalProperties: false },
    ),
    mqtt: Type.Object({ published: Count, acked: Count, reconnects: Count }, { additionalProperties: false }),
    polls: Type.Object(
      { ok: Count, timeouts: Count, exceptions: Count, decodeErrors: Count },
      { additionalProperties: false },
    ),
    devices: Type.Object(
      { total: Count, good: Count, stale: Count, commFail: Count },
      { additionalProperties: false },
    ),
    buses: Type.Optional(Type.Array(BusStats, { maxItems: 64 })),
    /** Optional so gateways from before it stay valid; statsParser.parse fills the default. */
    values: Type.Optional(ValueStats),
  },
  { additionalProperties: false },
);
/** A stats message as sent: what old gateways leave out is optional. */
export type GatewayStats = Static<typeof GatewayStats>;
/** A stats message as read: fields newer than the oldest gateways filled with their defaults. */
export type ParsedGatewayStats = GatewayStats & { values: ValueStats };

const wire = createParser(GatewayStats, 'gateway stats');
export const statsParser = {
  check: wire.check,
  issues: wire.issues,
  /** Validates, then fills the defaults; the input is not modified. */
  parse(value: unknown): ParsedGatewayStats {
    const stats = wire.parse(value);
    return { ...stats, values: stats.values ?? { ...NO_VALUE_EVENTS } };
  },
};
