import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../cloud/src/config.js';
import { provisionLocalGateway } from '../../cloud/src/modules/provisioning/provision-locally.js';
import { type RunningCloud, startCloud } from '../../cloud/src/server.js';
import { type TelemetryBatch, topics } from '../../protocols/src/index.js';
import { getReadings, quietLogger } from '../support/pipeline.js';

const batch = (gatewayId: string, device: string, ts: number): TelemetryBatch => ({
  v: 1,
  gatewayId,
  seq: 1,
  sentAt: ts,
  readings: [{ seq: 1, device, ts, quality: 'good', values: { total_litres: 5, leak: false } }],
});

async function metric(cloud: RunningCloud, line: string): Promise<number> {
  const text = (await cloud.app.inject({ method: 'GET', url: '/metrics' })).body;
  const found = text.split('\n').find((l) => l.startsWith(line));
  return found ? Number(found.split(' ').pop()) : 0;
}

describe('ingest rejects bad input without losing anything', () => {
  let dir: string;
  let cloud: RunningCloud;
  let client: MqttClient;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-ingest-'));
    cloud = await startCloud(loadCloudConfig({ PORT: '0', MQTT_PORT: '0', DATA_DIR: dir }), quietLogger());
    const creds = await provisionLocalGateway(cloud.registry.module, 'gw-bad');
    client = await mqtt.connectAsync(cloud.mqttUrl, {
      clientId: 'test-gw-bad',
      reconnectPeriod: 0,
      ...creds,
    });
  });
  afterAll(async () => {
    await client?.endAsync();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a good batch, dead-letters malformed ones with the reason, and keeps the connection', async () => {
    const topic = topics.telemetry('gw-bad');
    await client.publishAsync(topic, JSON.stringify(batch('gw-bad', 'wm-100', 1_700_000_000_000)), {
      qos: 1,
    });
    await client.publishAsync(topic, '{"v":1,"gatewayId":"gw-bad"', { qos: 1 }); // truncated JSON
    await client.publishAsync(
      topic,
      JSON.stringify({ ...batch('gw-bad', 'wm-100', 1), readings: [{ device: 'x' }] }),
      { qos: 1 },
    );
    await client.publishAsync(topic, JSON.stringify(batch('gw-other', 'wm-100', 2)), { qos: 1 }); // gateway mismatch
    await client.publishAsync(topic, JSON.stringify(batch('gw-bad', 'wm-100', 1_700_000_001_000)), {
      qos: 1,
    });
    expect(client.connected).toBe(true);

    const readings = await getReadings(cloud, 'wm-100');
    expect(readings.map((r) => r.ts)).toEqual([1_700_000_001_000, 1_700_000_000_000]);

    const dead = (await cloud.app.inject({ method: 'GET', url: '/api/dead-letters' })).json() as {
      total: number;
      items: Array<{ id: number; reason: string; topic: string }>;
    };
    expect(dead.total).toBe(3);
    expect(dead.items[0]!.reason).toMatch(/malformed JSON/);
    expect(dead.items[1]!.reason).toMatch(/\/readings\/0/);
    expect(dead.items[2]!.reason).toMatch(/does not match the topic's gateway/);
    expect(await metric(cloud, 'linli_ingest_messages_total{outcome="rejected"}')).toBe(3);
    expect(await metric(cloud, 'linli_ingest_messages_total{outcome="stored"}')).toBe(2);
    expect(await metric(cloud, 'linli_dead_letters')).toBe(3);
  });

  it('redelivery of the same batch does not duplicate readings', async () => {
    const topic = topics.telemetry('gw-bad');
    for (let i = 0; i < 3; i++)
      await client.publishAsync(topic, JSON.stringify(batch('gw-bad', 'wm-200', 1_700_000_000_000)), {
        qos: 1,
      });
    expect(await getReadings(cloud, 'wm-200')).toHaveLength(1);
  });

  it('a dead letter can be replayed; it is refiled if still invalid', async () => {
    const dead = (await cloud.app.inject({ method: 'GET', url: '/api/dead-letters' })).json() as {
      items: Array<{ id: number }>;
    };
    const id = dead.items[0]!.id;
    const res = await cloud.app.inject({ method: 'POST', url: `/api/dead-letters/${id}/replay` });
    expect(res.json()).toEqual({ outcome: 'dead-lettered' });
    const after = (await cloud.app.inject({ method: 'GET', url: '/api/dead-letters' })).json() as {
      total: number;
      items: Array<{ id: number }>;
    };
    expect(after.total).toBe(3);
    expect(after.items.some((d) => d.id === id)).toBe(false);
    expect(
      (await cloud.app.inject({ method: 'POST', url: '/api/dead-letters/999999/replay' })).statusCode,
    ).toBe(404);
  });

  it('rejects a bad query with a clear 400', async () => {
    const res = await cloud.app.inject({ method: 'GET', url: '/api/devices/wm-100/readings?limit=0' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_field', details: { field: 'limit' } });
    expect(res.json().message).toMatch(/limit/);
  });
});
