import { type Static, Type } from 'typebox';
import { ID_PATTERN } from '../topics.js';
import { createParser } from '../validation.js';
import { configHash } from './config-hash.js';
import { withRules } from './refine.js';

const Version = Type.String({ minLength: 1, maxLength: 128 });
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

/**
 * Retained on linli/v1/{gw}/config (cloud -> edge): the whole desired edge config. Retained so a
 * gateway that reconnects (or boots) gets the latest one. The body is the edge config document as
 * an object; the edge validates it against its own schema and answers with a ConfigResult.
 */
export const RemoteConfig = Type.Object(
  {
    v: Type.Literal(1),
    /** Monotonic per gateway as issued by the cloud (e.g. "42" or "2024-05-01T10:00:00Z-3"). */
    version: Version,
    /** sha256 of canonicalJson(config): detects truncation or tampering in transit and storage. */
    hash: Sha256,
    issuedAt: Type.Integer({ minimum: 0 }),
    config: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type RemoteConfig = Static<typeof RemoteConfig>;

export const remoteConfigParser = withRules(
  createParser(RemoteConfig, 'remote config'),
  'remote config',
  (rc) =>
    configHash(rc.config) === rc.hash
      ? []
      : [{ path: '/hash', message: 'does not match sha256 of the canonical JSON of config' }],
);

/** Builds a RemoteConfig with its hash, so the cloud cannot publish a mismatched one. */
export function buildRemoteConfig(
  version: string,
  config: Record<string, unknown>,
  issuedAt: number,
): RemoteConfig {
  return { v: 1, version, hash: configHash(config), issuedAt, config };
}

export const ConfigStatus = Type.Union([
  Type.Literal('applied'),
  Type.Literal('rejected'),
  Type.Literal('rolled_back'),
]);
export type ConfigStatus = Static<typeof ConfigStatus>;

/**
 * Published on linli/v1/{gw}/config/result after each RemoteConfig. applied: running with it;
 * rejected: invalid, the previous config keeps running; rolled_back: applied, then failed its health
 * check (e.g. no device answered) and the previous config was restored.
 */
export const ConfigResult = Type.Object(
  {
    v: Type.Literal(1),
    gatewayId: Type.String({ pattern: ID_PATTERN }),
    version: Version,
    hash: Sha256,
    status: ConfigStatus,
    /** Why it was rejected or rolled back: required for those, so operators never see a bare failure. */
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    /** The config version now running (after a rejection or rollback: the previous one). */
    activeVersion: Type.Optional(Version),
    ts: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type ConfigResult = Static<typeof ConfigResult>;

export const configResultParser = withRules(
  createParser(ConfigResult, 'config result'),
  'config result',
  (r) =>
    r.status !== 'applied' && r.reason === undefined
      ? [{ path: '/reason', message: `is required when status is ${r.status}` }]
      : [],
);
