import { type Static, Type } from 'typebox';
import { ID_PATTERN } from '../topics.js';
import { createParser } from '../validation.js';

/** Retained on linli/v1/{gw}/status; the offline form is also the MQTT last will. */
export const GatewayStatus = Type.Object(
  {
    v: Type.Literal(1),
    gatewayId: Type.String({ pattern: ID_PATTERN }),
    state: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
    ts: Type.Integer({ minimum: 0 }),
    agentVersion: Type.Optional(Type.String({ maxLength: 64 })),
    configVersion: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type GatewayStatus = Static<typeof GatewayStatus>;

export const statusParser = createParser(GatewayStatus, 'gateway status');
