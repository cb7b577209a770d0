import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRelationalStore } from '../../../cloud/src/adapters/relational/open-relational-store.js';
import { migrationProvider } from '../../../cloud/src/db/migrations/index.js';
import type { RelationalStore } from '../../../cloud/src/ports/relational-store.js';
import { BACKENDS, type Backend } from './harness.js';

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'relational store on %s',
  (_name, make) => {
    let backend: Backend;
    let store: RelationalStore;
    beforeAll(async () => {
      backend = make();
      store = await backend.open();
    });
    afterAll(async () => {
      await store?.close();
      await backend?.stop();
    });

    it('runs the migrations at open, once: reopening the same database is a no-op', async () => {
      expect(await store.ping()).toBe(true);
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
        store.db,
      );
      // Every migration the code ships, in order (the list grows; 0001 always comes first).
      const shipped = Object.keys(await migrationProvider.getMigrations()).sort();
      expect(shipped[0]).toBe('0001-registry');
      expect(applied.rows.map((r) => r.name)).toEqual(shipped);
      const again = await openRelationalStore(backend.lastOptions());
      const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(again.db);
      expect(rows.rows).toHaveLength(shipped.length);
      await again.close();
    });

    it('round-trips ms timestamps and flags as numbers, and coordinates as doubles', async () => {
      const t = Date.UTC(2031, 11, 31, 23, 59, 59, 999); // past 2^32 seconds·1000: needs bigint
      await store.db.insertInto('grids').values({ id: 'g1', name: '东湖网格', created_at: t }).execute();
      const grid = await store.db
        .selectFrom('grids')
        .selectAll()
        .where('id', '=', 'g1')
        .executeTakeFirstOrThrow();
      expect(grid).toEqual({ id: 'g1', name: '东湖网格', created_at: t });
      expect(typeof grid.created_at).toBe('number');
      await store.db
        .insertInto('bins')
        .values({
          id: 'b1',
          name: 'bin',
          grid_id: 'g1',
          lat: 30.123456789,
          lon: 114.987654321,
          capacity_liters: 240,
          device_id: null,
          created_at: t,
        })
        .execute();
      const bin = await store.db
        .selectFrom('bins')
        .select(['lat', 'lon', 'capacity_liters'])
        .executeTakeFirstOrThrow();
      expect(bin).toEqual({ lat: 30.123456789, lon: 114.987654321, capacity_liters: 240 });
    });

    it('enforces foreign keys and uniqueness, and names the violation', async () => {
      const insertBuilding = () =>
        store.db
          .insertInto('buildings')
          .values({ id: 'x', grid_id: 'no-such-grid', name: 'A', address: null, created_at: 1 })
          .execute();
      const fk = await insertBuilding().catch((e: unknown) => e);
      expect(store.constraintViolation(fk)).toBe('foreign_key');
      const dup = await store.db
        .insertInto('grids')
        .values({ id: 'g2', name: '东湖网格', created_at: 1 })
        .execute()
        .catch((e: unknown) => e);
      expect(store.constraintViolation(dup)).toBe('unique');
      expect(store.constraintViolation(new Error('other'))).toBeUndefined();
    });

    it('rolls back a failed transaction', async () => {
      await expect(
        store.db.transaction().execute(async (trx) => {
          await trx.insertInto('grids').values({ id: 'g3', name: 'rolled back', created_at: 1 }).execute();
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const row = await store.db.selectFrom('grids').select('id').where('id', '=', 'g3').executeTakeFirst();
      expect(row).toBeUndefined();
    });
  },
);
