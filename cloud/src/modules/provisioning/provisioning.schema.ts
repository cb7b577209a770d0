import { Type } from 'typebox';

export const GatewayParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const IssuedCodeOut = Type.Object({
  gatewayId: Type.String(),
  code: Type.String({ description: 'one-time code for `linli-edge provision`; shown only now' }),
  expiresAt: Type.Integer({ description: 'ms since epoch' }),
});

export const ProvisionBody = Type.Object(
  {
    code: Type.String({ minLength: 4, maxLength: 64, description: 'case, spaces and dashes do not matter' }),
  },
  { additionalProperties: false },
);

export const MqttCredentialsOut = Type.Object({
  gatewayId: Type.String(),
  mqtt: Type.Object({
    url: Type.Optional(Type.String()),
    username: Type.String(),
    password: Type.String({ description: 'shown only in this response; stored hashed' }),
  }),
});

export const RevokedOut = Type.Object({ gatewayId: Type.String(), revoked: Type.Integer() });

export const CredentialInfoOut = Type.Object({
  id: Type.String(),
  gatewayId: Type.String(),
  username: Type.String(),
  createdAt: Type.Integer(),
  revokedAt: Type.Union([Type.Integer(), Type.Null()]),
});
