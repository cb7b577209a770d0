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
  },
  { additionalProperties: false },
);
export type GatewayStats = Static<typeof GatewayStats>;

export const statsParser = createParser(GatewayStats, 'gateway stats');
