import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InfluxDBHandle, startInfluxDB } from '../helpers/influxdb.js';

interface QueryResult {
  results: { series?: { columns: string[]; values: unknown[][] }[]; error?: string }[];
}

async function query(url: string, db: string, q: string): Promise<QueryResult> {
  const res = await fetch(`${url}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`);
  expect(res.status).toBe(200);
  return (await res.json()) as QueryResult;
}

describe('startInfluxDB (real influxd)', () => {
  let influx: InfluxDBHandle;

  beforeAll(async () => {
    influx = await startInfluxDB();
  });
  afterAll(async () => {
    await influx?.stop();
  });

  it('answers /ping on a loopback port', async () => {
    expect(influx.url).toBe(`http://127.0.0.1:${influx.port}`);
    const res = await fetch(`${influx.url}/ping`);
    expect(res.status).toBe(204);
    expect(res.headers.get('x-influxdb-version')).toMatch(/^1\./);
  });

  it('writes line protocol and reads it back; data survives kill() + restart()', async () => {
    await influx.createDatabase('smoke');
    const write = await fetch(`${influx.url}/write?db=smoke&precision=ms`, {
      method: 'POST',
      body: 'meter,unit=1-101 kwh=12.5,pulses=42i 1700000000000\nmeter,unit=1-102 kwh=3.25,pulses=7i 1700000001000',
    });
    expect(write.status).toBe(204);

    const read = async () =>
      (await query(influx.url, 'smoke', 'SELECT kwh, pulses, unit FROM meter ORDER BY time')).results[0]
        ?.series?.[0]?.values;
    expect(await read()).toEqual([
      [1700000000000, 12.5, 42, '1-101'],
      [1700000001000, 3.25, 7, '1-102'],
    ]);

    // Outage: the WAL must be replayed after a crash on the same port.
    await influx.kill();
    await expect(fetch(`${influx.url}/ping`)).rejects.toThrow();
    await influx.restart();
    expect(await read()).toEqual([
      [1700000000000, 12.5, 42, '1-101'],
      [1700000001000, 3.25, 7, '1-102'],
    ]);
  });

  it('reports InfluxQL errors from createDatabase', async () => {
    await expect(influx.createDatabase('')).rejects.toThrow(/CREATE DATABASE/);
  });
});
