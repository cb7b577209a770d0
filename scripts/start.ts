/**
 * `npm start`: the whole system on embedded defaults in one process — firmware-sim (Modbus TCP),
 * the cloud (embedded aedes broker, SQLite stores, HTTP API) and one edge agent polling the sim.
 */
import { pino } from 'pino';
import { loadCloudConfig } from '../cloud/src/config.js';
import { startCloud } from '../cloud/src/server.js';
import { startAgent } from '../edge/src/agent.js';
import type { EdgeConfig } from '../edge/src/config.js';
import { startSimulator } from '../firmware-sim/src/simulator.js';

const logger = pino({ name: 'linli', level: process.env.LOG_LEVEL ?? 'info' });
const meters = Number(process.env.SIM_METERS ?? 4);

let cloudConfig: ReturnType<typeof loadCloudConfig>;
try {
  cloudConfig = loadCloudConfig();
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
const cloud = await startCloud(cloudConfig, logger.child({ service: 'cloud' }));
const sim = await startSimulator({
  port: Number(process.env.SIM_PORT ?? 1502),
  waterMeters: meters,
  logger: logger.child({ service: 'firmware-sim' }),
});
const gatewayId = 'gw-demo-1';
const edgeConfig: EdgeConfig = {
  gateway: { id: gatewayId },
  mqtt: { url: cloud.mqttUrl },
  outbox: { path: `${cloudConfig.dataDir}/edge-${gatewayId}.db` },
  buses: [{ id: 'sim-tcp', type: 'tcp', host: sim.host, port: sim.port, timeoutMs: 1000 }],
  devices: Array.from({ length: meters }, (_, i) => ({
    id: `wm-${String(i + 1).padStart(3, '0')}`,
    bus: 'sim-tcp',
    unitId: i + 1,
    profile: 'linli-wm-100',
    pollIntervalMs: 2000,
  })),
};
const edge = await startAgent(edgeConfig, logger.child({ service: 'edge' }));

const banner = [
  '',
  'Linli is running (Ctrl-C stops it):',
  `  API          ${cloud.url}  (health: ${cloud.url}/health, metrics: ${cloud.url}/metrics)`,
  `  readings     ${cloud.url}/api/devices/wm-001/readings?limit=5`,
  `  MQTT broker  ${cloud.mqttUrl}  (embedded aedes)`,
  `  Modbus TCP   ${sim.host}:${sim.port}  (firmware-sim, ${meters} water meters, unit ids 1-${meters})`,
  '',
];
process.stdout.write(banner.join('\n'));

// Show the first reading arriving end to end, so a new user sees the pipeline work.
const firstReading = setInterval(async () => {
  const res = await fetch(`${cloud.url}/api/devices/wm-001/readings?limit=1`).catch(() => undefined);
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
  await edge.stop();
  await sim.stop();
  await cloud.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
