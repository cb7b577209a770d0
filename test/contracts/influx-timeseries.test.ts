import { afterAll, beforeAll } from 'vitest';
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
