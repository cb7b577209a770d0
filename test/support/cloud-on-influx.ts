import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCloudConfig } from '../../cloud/src/config.js';
import { type RunningCloud, startCloud } from '../../cloud/src/server.js';
import { type InfluxDBHandle, startInfluxDB } from '../helpers/influxdb.js';
import { quietLogger } from './pipeline.js';

export interface CloudOnInflux {
  readonly influx: InfluxDBHandle;
  readonly cloud: RunningCloud;
  /** The InfluxDB database the cloud writes to. */
  readonly database: string;
  /** Points in `readings` as InfluxDB itself counts them (bypassing our adapter); `where` is InfluxQL. */
  countReadings(where?: string): Promise<number>;
  stop(): Promise<void>;
}

/** A private InfluxDB and a cloud (embedded broker, SQLite registry) storing telemetry into it. */
export async function startCloudOnInflux(database: string): Promise<CloudOnInflux> {
  const dir = mkdtempSync(join(tmpdir(), `linli-${database}-`));
  const influx = await startInfluxDB();
  const cloud = await startCloud(
    loadCloudConfig({
      PORT: '0',
      MQTT_PORT: '0',
      DATA_DIR: dir,
      INFLUX_URL: influx.url,
      INFLUX_DB: database,
    }),
    quietLogger(),
  ).catch(async (err) => {
    await influx.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    influx,
    cloud,
    database,
    countReadings: (where) => countReadings(influx, database, where),
    async stop() {
      await cloud.stop();
      await influx.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function countReadings(
  influx: InfluxDBHandle,
  database: string,
  where?: string,
): Promise<number> {
  const q = new URLSearchParams({
    db: database,
    q: `SELECT count("_seq") FROM "readings"${where ? ` WHERE ${where}` : ''}`,
  });
  const res = await fetch(`${influx.url}/query?${q}`);
  if (!res.ok) throw new Error(`InfluxDB query failed: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as {
    results: Array<{ series?: Array<{ values: Array<[string, number]> }> }>;
  };
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}
