import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InfluxDBHandle, startInfluxDB } from '../helpers/influxdb.js';
import { countReadings } from '../support/cloud-on-influx.js';
import { getReadings, type Pipeline, startPipeline, waitFor } from '../support/pipeline.js';

describe('walking skeleton into a real InfluxDB (v1 HTTP API)', () => {
  let influx: InfluxDBHandle;
  let p: Pipeline;
  beforeAll(async () => {
    influx = await startInfluxDB();
    p = await startPipeline({ meters: 2, env: { INFLUX_URL: influx.url, INFLUX_DB: 'linli_e2e' } });
  });
  afterAll(async () => {
    await p?.stop();
    await influx?.stop();
  });

  it('readings polled over Modbus TCP land in InfluxDB and come back through the API', async () => {
    expect(p.cloud.store.name).toBe('influxdb');
    const readings = await waitFor(
      async () => {
        const r = await getReadings(p.cloud, 'wm-001');
        return r.length >= 3 ? r : undefined;
      },
      15_000,
      'three readings of wm-001 in InfluxDB',
    );
    expect(readings[0]).toMatchObject({ device: 'wm-001', quality: 'good', gatewayId: 'gw-test-1' });
    const sim = p.sim.community.devices.get(1)!;
    expect(readings[0]!.values.battery_pct).toBe(sim.get('battery_pct'));
    expect(typeof readings[0]!.values.leak).toBe('boolean');
    expect(typeof readings[0]!.values.flow_lpm).toBe('number');

    // Ask InfluxDB itself, bypassing our adapter: the points are there, one per (device, time).
    const count = await countReadings(influx, 'linli_e2e', `"device" = 'wm-001'`);
    expect(count).toBeGreaterThanOrEqual(3);
  });
});
