import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxTimeseriesStore } from '../../cloud/src/adapters/influx.js';
import { provisionLocalGateway } from '../../cloud/src/modules/provisioning/provision-locally.js';
import type { RunningCloud } from '../../cloud/src/server.js';
import { type TelemetryBatch, topics } from '../../protocols/src/index.js';
import type { InfluxDBHandle } from '../helpers/influxdb.js';
import { type CloudOnInflux, startCloudOnInflux } from '../support/cloud-on-influx.js';
import { getReadings } from '../support/pipeline.js';

const batch = (devices: string[], ts: number): TelemetryBatch => ({
  v: 1,
  gatewayId: 'gw-a',
  seq: 1,
  sentAt: ts,
  readings: devices.map((device, i) => ({
    seq: i + 1,
    device,
    ts,
    quality: 'good',
    values: { total_litres: 5.5, leak: false, note: 'ok' },
  })),
});

/** Ingest into InfluxDB, whose store has the payload → line protocol fast path. */
describe('ingest fast path into InfluxDB', () => {
  let setup: CloudOnInflux;
  let influx: InfluxDBHandle;
  let cloud: RunningCloud;
  let client: MqttClient;
  beforeAll(async () => {
    setup = await startCloudOnInflux('linli_fast');
    ({ influx, cloud } = setup);
    const creds = await provisionLocalGateway(cloud.registry.module, 'gw-a');
    await provisionLocalGateway(cloud.registry.module, 'gw-b');
    client = await mqtt.connectAsync(cloud.mqttUrl, { clientId: 'gw-a-1', reconnectPeriod: 0, ...creds });
  }, 60_000);
  afterAll(async () => {
    await client?.endAsync();
    await setup?.stop();
  });

  it('stores a plain batch (one the fast path takes), and a foreign device still goes to dead letters', async () => {
    const plain = JSON.stringify(batch(['own-1', 'own-2'], 1_700_000_000_000));
    // The payload is one the fast path takes, else this test would only exercise the old path.
    const probe = new InfluxTimeseriesStore({ url: influx.url, database: 'linli_fast' });
    expect(probe.encodeTelemetry(Buffer.from(plain), 'gw-a')?.count).toBe(2);
    await probe.close();

    await client.publishAsync(topics.telemetry('gw-a'), plain, { qos: 1 });
    const stored = await getReadings(cloud, 'own-1');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      gatewayId: 'gw-a',
      seq: 1,
      quality: 'good',
      values: { total_litres: 5.5, leak: false, note: 'ok' },
    });

    await cloud.registry.module.registry.createDevice('b-owned', {
      gatewayId: 'gw-b',
      profile: 'linli-wm-100',
    });
    await client.publishAsync(
      topics.telemetry('gw-a'),
      JSON.stringify(batch(['own-3', 'b-owned'], 1_700_000_001_000)),
      { qos: 1 },
    );
    expect(await getReadings(cloud, 'own-3')).toHaveLength(1);
    expect(await getReadings(cloud, 'b-owned')).toEqual([]);
    const dead = (await cloud.app.inject({ method: 'GET', url: '/api/dead-letters' })).json() as {
      items: Array<{ reason: string }>;
    };
    expect(dead.items.some((d) => /b-owned belong to another gateway than gw-a/.test(d.reason))).toBe(true);

    // Invalid input still goes the old way and is dead-lettered with its reason.
    await client.publishAsync(topics.telemetry('gw-a'), plain.replace('"v":1', '"v":2'), { qos: 1 });
    const after = (await cloud.app.inject({ method: 'GET', url: '/api/dead-letters' })).json() as {
      items: Array<{ reason: string }>;
    };
    expect(after.items.some((d) => /\/v/.test(d.reason))).toBe(true);
  });
});
