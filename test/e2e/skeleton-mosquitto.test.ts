import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocols/src/index.js';
import { type MosquittoHandle, startMosquitto } from '../helpers/mosquitto.js';
import { getReadings, type Pipeline, startPipeline, waitFor } from '../support/pipeline.js';

describe('walking skeleton through a real Mosquitto broker', () => {
  let broker: MosquittoHandle;
  let p: Pipeline;
  beforeAll(async () => {
    broker = await startMosquitto();
    p = await startPipeline({ meters: 2, gatewayId: 'gw-mosq-1', env: { MQTT_URL: broker.url } });
  });
  afterAll(async () => {
    await p?.stop();
    await broker?.stop();
  });

  it('readings travel edge -> Mosquitto -> cloud ingest (persistent session) -> SQLite', async () => {
    expect(p.cloud.mqttUrl).toBe(broker.url);
    const readings = await waitFor(
      async () => {
        const r = await getReadings(p.cloud, 'wm-002');
        return r.length >= 3 ? r : undefined;
      },
      15_000,
      'three readings of wm-002 via Mosquitto',
    );
    expect(readings[0]).toMatchObject({ device: 'wm-002', quality: 'good', gatewayId: 'gw-mosq-1' });
  });

  it('the gateway status is retained on the broker as online', async () => {
    const client = await mqtt.connectAsync(broker.url, { clientId: 'status-probe' });
    try {
      const status = await new Promise<Record<string, unknown>>((resolve) => {
        client.on('message', (_t, payload) => resolve(JSON.parse(payload.toString())));
        void client.subscribeAsync(topics.status('gw-mosq-1'), { qos: 1 });
      });
      expect(status).toMatchObject({ v: 1, gatewayId: 'gw-mosq-1', state: 'online' });
    } finally {
      await client.endAsync();
    }
  });
});
