import { readFileSync } from 'node:fs';
import { type Static, Type } from 'typebox';
import { createParser, explainingParser, ID_PATTERN, parseYamlConfig } from '../../protocols/src/index.js';
import { loadCredentials } from './credentials.js';

const Id = Type.String({ pattern: ID_PATTERN });

const TcpBus = Type.Object(
  {
    id: Id,
    type: Type.Literal('tcp'),
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 502 }),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 60_000 })),
    /** Requests in flight at once on the connection (pipelined by transaction id); most TCP-to-RTU gateways want 1. */
    maxConcurrent: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  },
  { additionalProperties: false },
);

const RtuBus = Type.Object(
  {
    id: Id,
    type: Type.Literal('rtu'),
    path: Type.String({ minLength: 1 }),
    baudRate: Type.Integer({ minimum: 1200, maximum: 921_600 }),
    parity: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('even'), Type.Literal('odd')])),
    dataBits: Type.Optional(Type.Union([Type.Literal(7), Type.Literal(8)])),
    stopBits: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 60_000 })),
  },
  { additionalProperties: false },
);

const Device = Type.Object(
  {
    id: Id,
    bus: Id,
    unitId: Type.Integer({ minimum: 0, maximum: 247 }),
    profile: Type.String({ minLength: 1 }),
    pollIntervalMs: Type.Integer({ minimum: 100, maximum: 86_400_000 }),
    /** Overrides the bus timeout for this device. */
    timeoutMs: Type.Optional(Type.Integer({ minimum: 20, maximum: 60_000 })),
    /** Retries of a failed request within one poll (each costs bus time on a serial line). */
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
    /** Extra silence after this device answers, for slow RS-485 transceivers. */
    turnaroundMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    name: Type.Optional(Type.String({ maxLength: 100 })),
    location: Type.Optional(Type.String({ maxLength: 200 })),
    household: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const EdgeConfig = Type.Object(
  {
    gateway: Type.Object({ id: Id }, { additionalProperties: false }),
    mqtt: Type.Object(
      {
        url: Type.String({ pattern: '^(mqtts?|wss?|tcp)://' }),
        username: Type.Optional(Type.String()),
        password: Type.Optional(Type.String()),
        /** File written by `linli-edge provision`: gateway id and MQTT credentials (override the above). */
        credentialsFile: Type.Optional(Type.String()),
        /** Readings per telemetry message: batching is what makes QoS 1 fast. */
        batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
        /** Telemetry messages awaiting PUBACK at once. */
        inflight: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
        /**
         * How long routine telemetry may wait to fill a message, ms (default 1000): fewer, larger
         * messages. Events (door, leak, comm failures) and full messages (batchSize) go at once;
         * 0: every append is published at once.
         */
        lingerMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
      },
      { additionalProperties: false },
    ),
    outbox: Type.Object(
      {
        path: Type.String({ minLength: 1 }),
        /** normal: survives a killed process; full: also survives power loss, at one fsync per append. */
        sync: Type.Optional(Type.Union([Type.Literal('normal'), Type.Literal('full')])),
        /** Most readings kept while the broker is unreachable (oldest routine readings dropped first). */
        maxReadings: Type.Optional(Type.Integer({ minimum: 100 })),
        /** Routine readings older than this are dropped; events stay until the size bound needs room. */
        maxAgeHours: Type.Optional(Type.Number({ minimum: 1 })),
      },
      { additionalProperties: false },
    ),
    stats: Type.Optional(
      Type.Object(
        { intervalMs: Type.Integer({ minimum: 1000, maximum: 3_600_000 }) },
        { additionalProperties: false },
      ),
    ),
    /** Local health/metrics endpoint for the installer CLI (`linli-edge status`) and monitoring. */
    health: Type.Optional(
      Type.Object(
        { host: Type.Optional(Type.String()), port: Type.Integer({ minimum: 0, maximum: 65535 }) },
        { additionalProperties: false },
      ),
    ),
    profileDirs: Type.Optional(Type.Array(Type.String())),
    buses: Type.Array(Type.Union([TcpBus, RtuBus]), { minItems: 1 }),
    devices: Type.Array(Device),
  },
  { additionalProperties: false },
);
export type EdgeConfig = Static<typeof EdgeConfig>;
export type BusConfig = EdgeConfig['buses'][number];
export type DeviceConfig = EdgeConfig['devices'][number];

const parser = explainingParser(EdgeConfig, createParser(EdgeConfig, 'edge config'));

/** Environment variables that override the file, for containers and systemd drop-ins. */
function applyEnv(env: NodeJS.ProcessEnv) {
  return (doc: unknown): unknown => {
    if (typeof doc !== 'object' || doc === null) return doc;
    const cfg = doc as { gateway?: { id?: string }; mqtt?: Record<string, unknown> };
    if (env.LINLI_GATEWAY_ID) cfg.gateway = { ...cfg.gateway, id: env.LINLI_GATEWAY_ID };
    if (env.LINLI_MQTT_URL) cfg.mqtt = { ...cfg.mqtt, url: env.LINLI_MQTT_URL };
    if (env.LINLI_MQTT_USERNAME) cfg.mqtt = { ...cfg.mqtt, username: env.LINLI_MQTT_USERNAME };
    if (env.LINLI_MQTT_PASSWORD) cfg.mqtt = { ...cfg.mqtt, password: env.LINLI_MQTT_PASSWORD };
    return cfg;
  };
}

/** Cross-field rules: ids unique, devices on declared buses. */
function checkReferences(config: EdgeConfig, file: string): void {
  const problems: string[] = [];
  const busIds = new Set<string>();
  for (const bus of config.buses) {
    if (busIds.has(bus.id)) problems.push(`buses: bus id "${bus.id}" is used twice`);
    busIds.add(bus.id);
  }
  const deviceIds = new Set<string>();
  const units = new Set<string>();
  for (const d of config.devices) {
    if (deviceIds.has(d.id)) problems.push(`devices: device id "${d.id}" is used twice`);
    deviceIds.add(d.id);
    if (!busIds.has(d.bus)) problems.push(`devices.${d.id}.bus: no bus "${d.bus}" (declare it under buses)`);
    const unitKey = `${d.bus}/${d.unitId}`;
    if (units.has(unitKey))
      problems.push(`devices.${d.id}.unitId: unit ${d.unitId} is already used on bus ${d.bus}`);
    units.add(unitKey);
  }
  if (problems.length) throw new Error(`invalid config ${file}\n  ${problems.join('\n  ')}`);
}

/** Validates a config that arrives as an object (remote config), naming each bad field. */
export function validateEdgeConfig(doc: unknown, source: string): EdgeConfig {
  const issues = parser.issues(doc);
  if (issues.length > 0)
    throw new Error(
      `invalid config ${source}\n  ${issues
        .slice(0, 10)
        .map((i) => `${i.path.slice(1).replace(/\//g, '.') || '(top level)'}: ${i.message}`)
        .join('\n  ')}`,
    );
  const config = doc as EdgeConfig;
  checkReferences(config, source);
  return Object.freeze(config);
}

export function parseEdgeConfig(text: string, file: string, env: NodeJS.ProcessEnv = {}): EdgeConfig {
  const config = parseYamlConfig(text, file, parser, applyEnv(env));
  checkReferences(config, file);
  return Object.freeze(config);
}

export function loadEdgeConfig(file: string, env: NodeJS.ProcessEnv = process.env): EdgeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read edge config ${file}: ${(err as Error).message} (pass --config <file> or set LINLI_EDGE_CONFIG)`,
    );
  }
  const config = parseEdgeConfig(text, file, env);
  if (!config.mqtt.credentialsFile) return config;
  // Provisioned credentials decide who this gateway is; the file may still override the broker URL.
  const creds = loadCredentials(config.mqtt.credentialsFile);
  return Object.freeze({
    ...config,
    gateway: { id: creds.gatewayId },
    mqtt: {
      ...config.mqtt,
      url: creds.mqtt.url ?? config.mqtt.url,
      username: creds.mqtt.username,
      password: creds.mqtt.password,
    },
  });
}
