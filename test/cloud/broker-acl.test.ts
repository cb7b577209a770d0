import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../cloud/src/config.js';
import { provisionLocalGateway } from '../../cloud/src/modules/provisioning/provision-locally.js';
import { type RunningCloud, startCloud } from '../../cloud/src/server.js';
import { type TelemetryBatch, topics } from '../../protocols/src/index.js';
import { getReadings, quietLogger, waitFor } from '../support/pipeline.js';

const batch = (gatewayId: string, device: string, ts: number): TelemetryBatch => ({
  v: 1,
  gatewayId,
  seq: 1,
  sentAt: ts,
  readings: [{ seq: 1, device, ts, quality: 'good', values: { total_litres: 1 } }],
});

async function metric(cloud: RunningCloud, name: string): Promise<number> {
  const text = (await cloud.app.inject({ method: 'GET', url: '/metrics' })).body;
  return Number(
    text
      .split('\n')
      .find((l) => l.startsWith(name))
      ?.split(' ')
      .pop() ?? 0,
  );
}

describe('embedded broker: per-gateway authentication and ACL (aedes)', () => {
  let dir: string;
  let cloud: RunningCloud;
  let credsA: { username: string; password: string };
  const clients: MqttClient[] = [];
  const connect = async (opts: mqtt.IClientOptions) => {
    const c = await mqtt.connectAsync(cloud.mqttUrl, { reconnectPeriod: 0, ...opts });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-acl-'));
    cloud = await startCloud(
      loadCloudConfig({
        PORT: '0',
        MQTT_PORT: '0',
        DATA_DIR: dir,
        MQTT_USERNAME: 'linli-cloud',
        MQTT_PASSWORD: 'internal',
      }),
      quietLogger(),
    );
    credsA = await provisionLocalGateway(cloud.registry.module, 'gw-a');
    await provisionLocalGateway(cloud.registry.module, 'gw-b');
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses anonymous clients and wrong passwords', async () => {
    await expect(connect({ clientId: 'anon' })).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(
      connect({ clientId: 'wrong', username: credsA.username, password: 'guess' }),
    ).rejects.toThrow(/Bad username or password/i);
    expect(await metric(cloud, 'linli_broker_refusals_total{what="connect"}')).toBe(2);
  });

  it('a gateway publishes its own telemetry, and that is stored', async () => {
    const a = await connect({ clientId: 'gw-a-1', ...credsA });
    await a.publishAsync(
      topics.telemetry('gw-a'),
      JSON.stringify(batch('gw-a', 'a-meter', 1_700_000_000_000)),
      { qos: 1 },
    );
    expect((await getReadings(cloud, 'a-meter')).map((r) => r.ts)).toEqual([1_700_000_000_000]);
  });

  it('gateway A cannot publish as B: it is disconnected and nothing is stored', async () => {
    const a = await connect({ clientId: 'gw-a-2', ...credsA });
    const closed = new Promise<void>((resolve) => a.once('close', () => resolve()));
    a.publish(topics.telemetry('gw-b'), JSON.stringify(batch('gw-b', 'b-meter', 1_700_000_000_000)), {
      qos: 1,
    });
    await closed;
    expect(await getReadings(cloud, 'b-meter')).toEqual([]);
    expect(await metric(cloud, 'linli_broker_refusals_total{what="publish"}')).toBeGreaterThanOrEqual(1);
  });

  it("gateway A cannot read B's config, and cannot publish anyone's config", async () => {
    const a = await connect({ clientId: 'gw-a-3', ...credsA });
    // Refused in the SUBACK (0x80), which mqtt.js reports as a subscribe error.
    await expect(a.subscribeAsync(topics.config('gw-b'), { qos: 1 })).rejects.toThrow(/Subscribe error/);
    const own = await a.subscribeAsync(topics.config('gw-a'), { qos: 1 });
    expect(own[0]!.qos).toBe(1);
    // The cloud publishes B's config (retained); A must not receive it.
    const cloudSide = await connect({ clientId: 'cloud', username: 'linli-cloud', password: 'internal' });
    const received: string[] = [];
    a.on('message', (t) => received.push(t));
    await cloudSide.publishAsync(topics.config('gw-b'), '{"v":1}', { qos: 1, retain: true });
    await cloudSide.publishAsync(topics.config('gw-a'), '{"v":1}', { qos: 1, retain: true });
    await waitFor(() => received.includes(topics.config('gw-a')), 5_000, 'own config');
    expect(received).not.toContain(topics.config('gw-b'));
    // A gateway publishing a config (even its own) would be impersonating the cloud.
    const closed = new Promise<void>((resolve) => a.once('close', () => resolve()));
    a.publish(topics.config('gw-a'), '{"v":1}', { qos: 1 });
    await closed;
  });

  it('readings for a device registered to another gateway are rejected to dead letters', async () => {
    await cloud.registry.module.registry.createDevice('b-owned', {
      gatewayId: 'gw-b',
      profile: 'linli-wm-100',
    });
    const a = await connect({ clientId: 'gw-a-4', ...credsA });
    await a.publishAsync(
      topics.telemetry('gw-a'),
      JSON.stringify(batch('gw-a', 'b-owned', 1_700_000_000_000)),
      { qos: 1 },
    );
    expect(await getReadings(cloud, 'b-owned')).toEqual([]);
    const dead = (await cloud.app.inject({ method: 'GET', url: '/api/dead-letters' })).json() as {
      items: Array<{ reason: string }>;
    };
    expect(dead.items.some((d) => /b-owned belong to another gateway than gw-a/.test(d.reason))).toBe(true);
  });
});
