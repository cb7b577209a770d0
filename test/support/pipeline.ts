import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type CloudConfig, loadCloudConfig } from '../../cloud/src/config.js';
import { provisionLocalGateway } from '../../cloud/src/modules/provisioning/provision-locally.js';
import { type RunningCloud, startCloud } from '../../cloud/src/server.js';
import { type AgentOptions, type RunningAgent, startAgent } from '../../edge/src/agent.js';
import type { EdgeConfig } from '../../edge/src/config.js';
import { type RunningSimulator, startSimulator } from '../../firmware-sim/src/simulator.js';

export const quietLogger = () => pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface Pipeline {
  sim: RunningSimulator;
  cloud: RunningCloud;
  edge: RunningAgent;
  dir: string;
  stop(): Promise<void>;
}

/** Starts firmware-sim -> edge -> MQTT -> cloud on free loopback ports in a temp folder. */
export async function startPipeline(opts: {
  env?: NodeJS.ProcessEnv;
  meters?: number;
  pollIntervalMs?: number;
  gatewayId?: string;
  agentOptions?: AgentOptions;
}): Promise<Pipeline> {
  const dir = mkdtempSync(join(tmpdir(), 'linli-e2e-'));
  const cloudConfig: CloudConfig = loadCloudConfig({
    PORT: '0',
    MQTT_PORT: '0',
    DATA_DIR: join(dir, 'cloud'),
    ...opts.env,
  });
  const cloud = await startCloud(cloudConfig, quietLogger());
  // The gateway connects as provisioned gateways do: with its own credentials, under the ACL.
  const credentials = opts.env?.MQTT_URL
    ? {}
    : await provisionLocalGateway(cloud.registry.module, opts.gatewayId ?? 'gw-test-1');
  const meters = opts.meters ?? 2;
  const sim = await startSimulator({ port: 0, waterMeters: meters });
  const gatewayId = opts.gatewayId ?? 'gw-test-1';
  const edgeConfig: EdgeConfig = {
    gateway: { id: gatewayId },
    mqtt: { url: cloud.mqttUrl, ...credentials },
    outbox: { path: join(dir, 'edge', 'outbox.db') },
    health: { port: 0 },
    buses: [{ id: 'sim', type: 'tcp', host: sim.host, port: sim.port, timeoutMs: 500 }],
    devices: Array.from({ length: meters }, (_, i) => ({
      id: `wm-${String(i + 1).padStart(3, '0')}`,
      bus: 'sim',
      unitId: i + 1,
      profile: 'linli-wm-100',
      pollIntervalMs: opts.pollIntervalMs ?? 200,
    })),
  };
  const edge = await startAgent(edgeConfig, quietLogger(), opts.agentOptions);
  return {
    sim,
    cloud,
    edge,
    dir,
    async stop() {
      await edge.stop();
      await sim.stop();
      await cloud.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until fn returns a truthy value or the timeout passes. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface ReadingsBody {
  readings: Array<{
    device: string;
    ts: number;
    seq: number;
    quality: string;
    values: Record<string, unknown>;
  }>;
}

export async function getReadings(
  cloud: RunningCloud,
  device: string,
  limit = 100,
): Promise<ReadingsBody['readings']> {
  const res = await cloud.app.inject({
    method: 'GET',
    url: `/api/devices/${device}/readings?limit=${limit}`,
  });
  if (res.statusCode !== 200) throw new Error(`GET readings -> ${res.statusCode} ${res.body}`);
  return (res.json() as ReadingsBody).readings;
}
