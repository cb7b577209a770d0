import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryService } from '../../../cloud/src/modules/registry/registry.service.js';
import type { RelationalStore } from '../../../cloud/src/ports/relational-store.js';
import { type Backend, ManualClock, sqliteBackend } from '../relational/harness.js';

/** Ingest asks per reading: after the first sight, answers must come from the cache, not the DB. */
describe('recordSeenDevice / deviceOwner on the ingest hot path', () => {
  let backend: Backend;
  let store: RelationalStore;
  let queries = 0;
  beforeAll(async () => {
    backend = sqliteBackend();
    store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
    await backend?.stop();
  });

  it('answers 10,000 repeated calls for 100 devices with one read and one insert per device', async () => {
    const counted: RelationalStore = {
      ...store,
      get db() {
        return store.db.withPlugin({
          transformQuery: (args) => {
            queries++;
            return args.node;
          },
          transformResult: async (args) => args.result,
        });
      },
    };
    const clock = new ManualClock();
    const registry = new RegistryService(counted, clock);
    const devices = Array.from({ length: 100 }, (_, i) => `wm-${i}`);
    for (const d of devices) expect(await registry.recordSeenDevice('gw-1', d)).toBe('new');
    const afterFirst = queries;
    expect(afterFirst).toBeGreaterThanOrEqual(300); // read, insert, re-read per device: counting works
    const started = performance.now();
    for (let round = 0; round < 50; round++) {
      for (const d of devices) {
        await registry.recordSeenDevice('gw-1', d);
        await registry.deviceOwner(d);
      }
    }
    const perCall = (performance.now() - started) / 10_000;
    expect(queries - afterFirst).toBe(0);
    expect(perCall).toBeLessThan(0.05); // ms: far below a DB round trip
  });
});
