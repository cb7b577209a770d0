import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
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
