/**
 * `npm start`: the whole system on embedded defaults in one process — firmware-sim (the demo
 * community on Modbus TCP), the cloud (embedded aedes broker, SQLite stores, HTTP API) and one edge
 * agent per simulated gateway.
 */
import { pino } from 'pino';
import { loadCloudConfig } from '../cloud/src/config.js';
import { provisionLocalGateway } from '../cloud/src/modules/provisioning/provision-locally.js';
import { startCloud } from '../cloud/src/server.js';
import { startAgent } from '../edge/src/agent.js';
import type { EdgeConfig } from '../edge/src/config.js';
import { DEMO_COMMUNITY } from '../firmware-sim/src/community-spec.js';
import { startSimulator } from '../firmware-sim/src/simulator.js';

const logger = pino({ name: 'linli', level: process.env.LOG_LEVEL ?? 'info' });

let cloudConfig: ReturnType<typeof loadCloudConfig>;
try {
  cloudConfig = loadCloudConfig();
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
const cloud = await startCloud(cloudConfig, logger.child({ service: 'cloud' }));
// The demo community: 40 households of elders living alone (water, power, door), 4 environmental
// sensors and 20 bins on 2 gateways, each gateway's bus served as Modbus TCP.
const sim = await startSimulator({
  port: Number(process.env.SIM_PORT ?? 1502),
  community: DEMO_COMMUNITY,
  logger: logger.child({ service: 'firmware-sim' }),
});

/** How often each kind of device is polled in the demo (seconds-scale so readings show quickly). */
const POLL_MS: Record<string, number> = {
  'linli-ds-200': 2000,
  'linli-wm-100': 5000,
  'linli-pm-400': 5000,
  'linli-env-300': 15_000,
  'linli-bin-500': 30_000,
};

const edges = await Promise.all(
  [...sim.ports].map(async ([gatewayId, port]) => {
    // Each simulated gateway is provisioned like a real one: one-time code, own credentials, ACL.
    const credentials = cloudConfig.mqtt.url
      ? {}
      : await provisionLocalGateway(cloud.registry.module, gatewayId);
    const config: EdgeConfig = {
      gateway: { id: gatewayId },
      mqtt: { url: cloud.mqttUrl, ...credentials },
      outbox: { path: `${cloudConfig.dataDir}/edge-${gatewayId}.db` },
      buses: [{ id: 'sim-tcp', type: 'tcp', host: sim.host, port, timeoutMs: 1000 }],
      devices: sim.community.inventory
        .filter((d) => d.gateway === gatewayId)
        .map((d) => ({
          id: d.id,
          bus: 'sim-tcp',
          unitId: d.unitId,
          profile: d.model,
          pollIntervalMs: POLL_MS[d.model] ?? 10_000,
          ...(d.household ? { household: d.household } : {}),
        })),
    };
    return startAgent(config, logger.child({ service: 'edge', gateway: gatewayId }));
  }),
);
const first = sim.community.inventory[0]!;
const devices = sim.community.inventory.length;

const banner = [
  '',
  'Linli is running (Ctrl-C stops it):',
  `  API          ${cloud.url}  (health: ${cloud.url}/health, metrics: ${cloud.url}/metrics)`,
  `  readings     ${cloud.url}/api/devices/${first.id}/readings?limit=5   (latest of all: ${cloud.url}/api/devices/latest)`,
  `  MQTT broker  ${cloud.mqttUrl}  (embedded aedes)`,
  ...[...sim.ports].map(([gw, port]) => `  Modbus TCP   ${sim.host}:${port}  (firmware-sim, gateway ${gw})`),
  `  community    ${devices} devices (${DEMO_COMMUNITY.households} households, ${DEMO_COMMUNITY.envSensors} env sensors, ${DEMO_COMMUNITY.bins} bins), ${edges.length} edge agents`,
  '',
];
process.stdout.write(banner.join('\n'));

// Show the first reading arriving end to end, so a new user sees the pipeline work.
const firstReading = setInterval(async () => {
  const res = await fetch(`${cloud.url}/api/devices/${first.id}/readings?limit=1`).catch(() => undefined);
  const body = (await res?.json().catch(() => undefined)) as { readings?: unknown[] } | undefined;
  const reading = body?.readings?.[0];
  if (reading) {
    process.stdout.write(`first reading arrived end to end: ${JSON.stringify(reading)}\n`);
    clearInterval(firstReading);
  }
}, 500);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  clearInterval(firstReading);
  logger.info({ signal }, 'stopping');
  await Promise.all(edges.map((e) => e.stop()));
  await sim.stop();
  await cloud.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
