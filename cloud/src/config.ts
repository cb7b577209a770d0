import { type Static, Type } from 'typebox';
import { createParser, explainingParser } from '../../protocols/src/index.js';
import { DEFAULT_TIMEZONE, isIanaTimeZone } from './jobs/timezone.js';
import type { RoadMatrix } from './modules/waste-routing/geo.js';
import { WASTE_POLICIES } from './modules/waste-routing/round-stops.js';
import {
  type LoadedWasteSettings,
  loadWasteSettings,
  WasteSettings,
} from './modules/waste-routing/waste-settings.js';

const Port = Type.Integer({ minimum: 0, maximum: 65535 });

/** Cloud settings, all from environment variables (12-factor); see README "Configuration". */
export const CloudConfig = Type.Object({
  host: Type.String({ minLength: 1 }),
  port: Port,
  logLevel: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
  ),
  dataDir: Type.String({ minLength: 1 }),
  /** IANA zone whose wall clock the scheduled jobs' cron expressions are read in. */
  timezone: Type.String({ minLength: 1 }),
  mqtt: Type.Object({
    /** Unset: run the embedded aedes broker on host:port below. */
    url: Type.Optional(Type.String({ pattern: '^(mqtts?|wss?|tcp)://' })),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
    /**
     * Shared-subscription group for scaling out ingest across instances. Unset: a plain persistent
     * subscription, which the broker queues for while this instance is away. Mosquitto 2.0 queues
     * for an away group member too, but does not persist shared subscriptions: after a broker
     * restart ingest renews it, and what gateways publish before that (~1 s) is lost
     * (test/cloud/ingest-broker-restart.test.ts). Set it only to split load over 2+ instances.
     */
    shareGroup: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    clientId: Type.String({ minLength: 1, maxLength: 128 }),
    embeddedHost: Type.String({ minLength: 1 }),
    embeddedPort: Port,
    /** Embedded broker only: let clients without credentials in (development, tests). Gateways then have no ACL. */
    allowAnonymous: Type.Boolean(),
  }),
  /** Relational store (registry, users): unset url = SQLite file in dataDir. */
  database: Type.Object({ url: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })) }),
  auth: Type.Object({
    /** HMAC secret for API tokens; unset = a random one kept in dataDir (single instance only). */
    jwtSecret: Type.Optional(Type.String({ minLength: 32 })),
    /** Password of the bootstrap admin, used only when the store has no users yet. */
    adminPassword: Type.Optional(Type.String({ minLength: 8 })),
  }),
  /** Broker URL handed to gateways at provisioning; unset = the URL the cloud itself uses. */
  publicMqttUrl: Type.Optional(Type.String({ pattern: '^(mqtts?|wss?|tcp)://' })),
  /** External Mosquitto: files to keep in step with the credential registry, and its pid file for SIGHUP. */
  mosquittoFiles: Type.Optional(
    Type.Object({
      passwordFile: Type.String({ minLength: 1 }),
      aclFile: Type.String({ minLength: 1 }),
      pidFile: Type.Optional(Type.String({ minLength: 1 })),
    }),
  ),
  waste: Type.Object({
    /** Selection policy of waste pickup rounds (waste-routing/round-stops.ts): WASTE_POLICY, else the file's. */
    policy: Type.Enum([...WASTE_POLICIES]),
    /** WASTE_CONFIG: the waste settings file (waste-routing/waste-settings.ts), read at start. */
    file: Type.Optional(Type.String({ minLength: 1 })),
    /** The file's settings (empty without one), merged over the defaults by the server. */
    settings: WasteSettings,
    /** The road matrix the file's roadMatrixFile names. */
    road: Type.Optional(
      Type.Unsafe<RoadMatrix>(
        Type.Object({ ids: Type.Array(Type.String()), distances: Type.Array(Type.Array(Type.Number())) }),
      ),
    ),
  }),
  influx: Type.Optional(
    Type.Object({
      url: Type.String({ pattern: '^https?://' }),
      database: Type.String({ minLength: 1 }),
      token: Type.Optional(Type.String()),
      username: Type.Optional(Type.String()),
      password: Type.Optional(Type.String()),
    }),
  ),
});
export type CloudConfig = Static<typeof CloudConfig>;

const parser = explainingParser(CloudConfig, createParser(CloudConfig, 'cloud configuration'));

/** Env variable behind each config path, so errors name what the operator must change. */
const ENV_NAMES: Record<string, string> = {
  '/host': 'HOST',
  '/port': 'PORT',
  '/logLevel': 'LOG_LEVEL',
  '/dataDir': 'DATA_DIR',
  '/timezone': 'LINLI_TZ',
  '/mqtt/url': 'MQTT_URL',
  '/mqtt/shareGroup': 'MQTT_SHARE_GROUP',
  '/mqtt/clientId': 'MQTT_CLIENT_ID',
  '/mqtt/embeddedHost': 'MQTT_HOST',
  '/mqtt/embeddedPort': 'MQTT_PORT',
  '/database/url': 'DATABASE_URL',
  '/auth/jwtSecret': 'JWT_SECRET',
  '/auth/adminPassword': 'LINLI_ADMIN_PASSWORD',
  '/publicMqttUrl': 'LINLI_PUBLIC_MQTT_URL',
  '/mosquittoFiles/passwordFile': 'MOSQUITTO_PASSWORD_FILE',
  '/mosquittoFiles/aclFile': 'MOSQUITTO_ACL_FILE',
  '/influx/url': 'INFLUX_URL',
  '/influx/database': 'INFLUX_DB',
  '/waste/policy': 'WASTE_POLICY',
  '/waste/file': 'WASTE_CONFIG',
};

const num = (v: string | undefined, fallback: number): number | string =>
  v === undefined || v === '' ? fallback : /^\d+$/.test(v) ? Number(v) : v;

/** The waste settings file, or the lines of what is wrong with it. */
function wasteSettings(file: string | undefined): LoadedWasteSettings | string[] {
  if (!file) return { settings: {} };
  try {
    return loadWasteSettings(file);
  } catch (err) {
    // "invalid config\n  file:line: field: message" per problem: one line each.
    return (err as Error).message
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && l !== 'invalid config');
  }
}

export function loadCloudConfig(env: NodeJS.ProcessEnv = process.env): CloudConfig {
  const wasteFile = env.WASTE_CONFIG || undefined;
  const waste = wasteSettings(wasteFile);
  const loaded = Array.isArray(waste) ? { settings: {} } : waste;
  const raw = {
    host: env.HOST ?? '127.0.0.1',
    port: num(env.PORT, 8080),
    logLevel: env.LOG_LEVEL ?? 'info',
    dataDir: env.DATA_DIR ?? '.data',
    // Not TZ: that one also moves the process's local time, is often UTC host-wide, and may hold a
    // POSIX string (":/etc/localtime") that is no IANA zone.
    timezone: env.LINLI_TZ || DEFAULT_TIMEZONE,
    mqtt: {
      url: env.MQTT_URL || undefined,
      username: env.MQTT_USERNAME || undefined,
      password: env.MQTT_PASSWORD || undefined,
      shareGroup: env.MQTT_SHARE_GROUP || undefined,
      clientId: env.MQTT_CLIENT_ID ?? 'linli-cloud-ingest',
      embeddedHost: env.MQTT_HOST ?? '127.0.0.1',
      embeddedPort: num(env.MQTT_PORT, 1883),
      allowAnonymous: env.MQTT_ALLOW_ANONYMOUS === 'true',
    },
    database: { url: env.DATABASE_URL || undefined },
    auth: {
      jwtSecret: env.JWT_SECRET || undefined,
      adminPassword: env.LINLI_ADMIN_PASSWORD || undefined,
    },
    publicMqttUrl: env.LINLI_PUBLIC_MQTT_URL || undefined,
    mosquittoFiles:
      env.MOSQUITTO_PASSWORD_FILE || env.MOSQUITTO_ACL_FILE
        ? {
            passwordFile: env.MOSQUITTO_PASSWORD_FILE ?? '',
            aclFile: env.MOSQUITTO_ACL_FILE ?? '',
            pidFile: env.MOSQUITTO_PID_FILE || undefined,
          }
        : undefined,
    waste: {
      policy: env.WASTE_POLICY || loaded.settings.policy || 'trips',
      file: wasteFile,
      settings: loaded.settings,
      road: loaded.road,
    },
    influx: env.INFLUX_URL
      ? {
          url: env.INFLUX_URL,
          database: env.INFLUX_DB ?? 'linli',
          token: env.INFLUX_TOKEN || undefined,
          username: env.INFLUX_USERNAME || undefined,
          password: env.INFLUX_PASSWORD || undefined,
        }
      : undefined,
  };
  const issues = parser.issues(raw);
  if (Array.isArray(waste)) for (const message of waste) issues.push({ path: '/waste/file', message });
  if (!issues.some((i) => i.path === '/timezone') && !isIanaTimeZone(raw.timezone))
    issues.push({ path: '/timezone', message: 'must be an IANA time zone such as Asia/Shanghai or UTC' });
  if (issues.length > 0) {
    const lines = issues.map((i) => `${ENV_NAMES[i.path] ?? i.path}: ${i.message}`);
    throw new Error(`invalid cloud configuration\n  ${lines.join('\n  ')}`);
  }
  return Object.freeze(raw as CloudConfig);
}
