import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteTimeseriesStore } from '../../cloud/src/adapters/sqlite-timeseries.js';
import { timeseriesStoreContract } from './timeseries-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'linli-ts-sqlite-'));
const stores: SqliteTimeseriesStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

timeseriesStoreContract('embedded SQLite', async () => {
  const store = new SqliteTimeseriesStore(join(dir, `ts-${stores.length}.db`));
  stores.push(store);
  return store;
});

describe('embedded SQLite store, beyond the contract', () => {
  it('keeps readings across a close and reopen of the same file (it is the durable default)', async () => {
    const path = join(dir, 'reopen.db');
    const first = new SqliteTimeseriesStore(path);
    await first.write([
      {
        gatewayId: 'gw',
        device: 'm-1',
        ts: 1_700_000_000_000,
        seq: 1,
        quality: 'good',
        values: { litres: 7 },
      },
    ]);
    await first.close();
    const again = new SqliteTimeseriesStore(path);
    stores.push(again);
    expect((await again.readings({ device: 'm-1', limit: 10 })).map((r) => r.values.litres)).toEqual([7]);
    expect(await again.ping()).toBe(true);
  });
});
