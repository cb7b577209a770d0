import { type Static, Type } from 'typebox';
import { ID_PATTERN } from '../topics.js';
import { createParser } from '../validation.js';

/** good: fresh value; stale: last known value repeated; comm_fail: the device did not answer. */
export const Quality = Type.Union([Type.Literal('good'), Type.Literal('stale'), Type.Literal('comm_fail')]);
export type Quality = Static<typeof Quality>;

export const FieldValue = Type.Union([Type.Number(), Type.Boolean(), Type.String({ maxLength: 256 })]);
export type FieldValue = Static<typeof FieldValue>;

export const Reading = Type.Object(
  {
    /** Per-gateway sequence number, assigned when the reading enters the edge outbox: gaps reveal loss. */
    seq: Type.Integer({ minimum: 0 }),
    device: Type.String({ pattern: ID_PATTERN }),
    /** Device timestamp: when the edge polled it (ms since epoch). With the series it is the point's identity. */
    ts: Type.Integer({ minimum: 0 }),
    values: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), FieldValue, {
      maxProperties: 64,
    }),
    quality: Quality,
  },
  { additionalProperties: false },
);
export type Reading = Static<typeof Reading>;

export const TELEMETRY_VERSION = 1;

export const TelemetryBatch = Type.Object(
  {
    v: Type.Literal(TELEMETRY_VERSION),
    gatewayId: Type.String({ pattern: ID_PATTERN }),
    /** Per-gateway batch sequence number. */
    seq: Type.Integer({ minimum: 0 }),
    sentAt: Type.Integer({ minimum: 0 }),
    readings: Type.Array(Reading, { minItems: 1, maxItems: 5000 }),
  },
  { additionalProperties: false },
);
export type TelemetryBatch = Static<typeof TelemetryBatch>;

export const telemetryParser = createParser(TelemetryBatch, 'telemetry batch');
