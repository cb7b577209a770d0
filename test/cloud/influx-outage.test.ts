import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionLocalGateway } from '../../cloud/src/modules/provisioning/provision-locally.js';
import type { RunningCloud } from '../../cloud/src/server.js';
import { type TelemetryBatch, topics } from '../../protocols/src/index.js';
import type { InfluxDBHandle } from '../helpers/influxdb.js';
import { type CloudOnInflux, startCloudOnInflux } from '../support/cloud-on-influx.js';
import { waitFor } from '../support/pipeline.js';

/** Outage length; LINLI_OUTAGE_MS=300000 makes it minutes. */
const OUTAGE_MS = Number(process.env.LINLI_OUTAGE_MS ?? 8_000);
const DEVICES = 20;
const GW = 'gw-load';

describe('InfluxDB stopped under load, then restarted', () => {
  let setup: CloudOnInflux;
  let influx: InfluxDBHandle;
  let cloud: RunningCloud;
  let gateway: MqttClient;

  beforeAll(async () => {
    setup = await startCloudOnInflux('linli_outage');
    ({ influx, cloud } = setup);
    gateway = await mqtt.connectAsync(cloud.mqttUrl, {
      clientId: 'load-gateway',
      ...(await provisionLocalGateway(cloud.registry.module, GW)),
    });
  });
  afterAll(async () => {
    await gateway?.endAsync();
    await setup?.stop();
  });

  it(
    'loses nothing and duplicates nothing; publishers are never held up',
    async () => {
      let seq = 0;
      let published = 0;
      const t0 = Date.UTC(2026, 10, 26);
      /** One batch: every device one reading at the next tick, each with its own (device, ts). */
      const publishBatch = async () => {
        const tick = seq / DEVICES;
        const readings = Array.from({ length: DEVICES }, (_, d) => ({
          seq: ++seq,
          device: `m-${d}`,
          ts: t0 + tick * 1000,
          quality: 'good' as const,
          values: { litres: tick },
        }));
        const batch: TelemetryBatch = {
          v: 1,
          gatewayId: GW,
          seq: readings[0]!.seq,
          sentAt: Date.now(),
          readings,
        };
        const started = Date.now();
        await gateway.publishAsync(topics.telemetry(GW), JSON.stringify(batch), { qos: 1 });
        published += readings.length;
        return Date.now() - started;
      };
      const load = async (ms: number) => {
        const until = Date.now() + ms;
        let worstAck = 0;
        while (Date.now() < until) {
          worstAck = Math.max(worstAck, await publishBatch());
          await new Promise((r) => setTimeout(r, 20));
        }
        return worstAck;
      };

      await load(1500);
      await influx.kill();
      const worstAckDuringOutage = await load(OUTAGE_MS);
      const spooled = (await cloud.app.inject({ method: 'GET', url: '/metrics' })).body.match(
        /^linli_ingest_spooled_readings (\d+)/m,
      );
      expect(Number(spooled?.[1])).toBeGreaterThan(0);
      await influx.restart();
      await load(1500);
      // A redelivery (same batch again) must not add points.
      seq -= DEVICES;
      await publishBatch();
      published -= DEVICES;

      const stored = await waitFor(
        async () => {
          const n = await setup.countReadings().catch(() => 0);
          return n >= published ? n : undefined;
        },
        60_000,
        `${published} points in InfluxDB`,
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(await setup.countReadings()).toBe(published);
      expect(stored).toBe(published);
      // Acks never waited for the store: the spool took the readings while InfluxDB was down.
      expect(worstAckDuringOutage).toBeLessThan(2000);
      console.info(
        `InfluxDB down ${OUTAGE_MS} ms under load: ${published} readings published, ${stored} stored, worst ack ${worstAckDuringOutage} ms`,
      );
    },
    OUTAGE_MS + 120_000,
  );
});
