import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxTimeseriesStore } from '../../cloud/src/adapters/influx.js';
import { type InfluxDBHandle, startInfluxDB } from '../helpers/influxdb.js';
import { timeseriesStoreContract } from './timeseries-store.contract.js';

let influx: InfluxDBHandle;
let n = 0;
beforeAll(async () => {
  influx = await startInfluxDB();
});
afterAll(async () => {
  await influx?.stop();
});

timeseriesStoreContract('InfluxDB 1.6 (v1 HTTP API)', async () => {
  const store = new InfluxTimeseriesStore({ url: influx.url, database: `contract_${n++}` });
  await store.ensureDatabase();
  return store;
});

describe('InfluxDB store, beyond the contract', () => {
  it('answers ping while InfluxDB runs, and reports a clear error when it does not', async () => {
    const store = new InfluxTimeseriesStore({ url: influx.url, database: 'ping_check' });
    expect(await store.ping()).toBe(true);
    const nowhere = new InfluxTimeseriesStore({ url: 'http://127.0.0.1:1', database: 'x', timeoutMs: 2000 });
    expect(await nowhere.ping()).toBe(false);
    await expect(nowhere.readings({ device: 'd', limit: 1 })).rejects.toThrow(
      /InfluxDB unreachable at http:\/\/127\.0\.0\.1:1/,
    );
  });
});
