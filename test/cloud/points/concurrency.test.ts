import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type Backend } from '../relational/harness.js';
import { type Caller, caller, type GovHarness, startGovHarness, user } from '../work-orders/harness.js';

/**
 * The acceptance test: 100 concurrent redemptions against one account never overspend.
 * Requests go through the HTTP layer at once (app.inject, no awaiting in between); on PostgreSQL
 * they run on a pool of 4 connections, so transactions genuinely interleave.
 */
describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'concurrent points writes on %s',
  (_name, make) => {
    let backend: Backend;
    let h: GovHarness;
    let call: ReturnType<typeof caller>;
    let manager: Caller;

    beforeAll(async () => {
      backend = make();
      h = await startGovHarness(backend);
      call = caller(h);
      manager = await user(h, 'manager');
    });
    afterAll(async () => {
      await h?.close();
      await backend?.stop();
    });

    const fund = (accountId: string, amount: number) =>
      call('POST', '/api/points/adjustments', manager, { accountId, amount, reason: 'seed' });
    const ledgerSum = async (accountId: string) => {
      const rows = await h.store.db
        .selectFrom('points_ledger')
        .select('amount')
        .where('account_id', '=', accountId)
        .execute();
      return rows.reduce((s, r) => s + r.amount, 0);
    };

    it('100 concurrent redemptions of a 100-point item against 1,000 points: exactly 10 succeed', async () => {
      const resident = await user(h, 'resident');
      await fund(resident.id, 1000);
      await call('POST', '/api/points/catalogue', manager, {
        id: 'voucher',
        nameZh: '代金券',
        nameEn: 'Voucher',
        cost: 100,
        stock: 1000,
      });

      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          call('POST', '/api/points/redemptions', resident, { itemId: 'voucher', idempotencyKey: `r-${i}` }),
        ),
      );
      const ms = performance.now() - started;
      const codes = results.map((r) => r.statusCode);
      expect(codes.filter((c) => c === 201)).toHaveLength(10);
      expect(codes.filter((c) => c === 409)).toHaveLength(90);
      expect(new Set(results.filter((r) => r.statusCode === 409).map((r) => r.json().error))).toEqual(
        new Set(['insufficient_points']),
      );
      // Every success saw the balance its predecessor left: 900, 800, …, 0, each exactly once.
      const after = results.filter((r) => r.statusCode === 201).map((r) => r.json().entry.balanceAfter);
      expect(after.sort((a, b) => a - b)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);

      const me = (await call('GET', '/api/points/me', resident)).json();
      expect([me.balance, me.consistent]).toEqual([0, true]);
      expect(await ledgerSum(resident.id)).toBe(0);
      const item = (await call('GET', '/api/points/catalogue', resident))
        .json()
        .find((i: { id: string }) => i.id === 'voucher');
      expect(item.stock).toBe(990);
      expect((await call('GET', '/api/points/redemptions', resident)).json()).toHaveLength(10);
      expect((await call('GET', '/api/points/audit', manager)).json().mismatches).toEqual([]);
      console.info(`[${backend.name}] 100 concurrent redemptions in ${ms.toFixed(0)} ms`);
    });

    it('stock is never oversold when many residents race for the last items', async () => {
      await call('POST', '/api/points/catalogue', manager, {
        id: 'parking',
        nameZh: '停车券',
        nameEn: 'Parking',
        cost: 10,
        stock: 3,
      });
      const residents: Caller[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await user(h, 'resident');
        await fund(r.id, 100);
        residents.push(r);
      }
      const results = await Promise.all(
        residents.flatMap((r) =>
          [0, 1].map(() => call('POST', '/api/points/redemptions', r, { itemId: 'parking' })),
        ),
      );
      expect(results.filter((r) => r.statusCode === 201)).toHaveLength(3);
      expect(results.filter((r) => r.statusCode === 409).map((r) => r.json().error)).toEqual(
        Array(21).fill('out_of_stock'),
      );
      const item = (await call('GET', '/api/points/catalogue', manager))
        .json()
        .find((i: { id: string }) => i.id === 'parking');
      expect(item.stock).toBe(0);
    });

    it('one cause fired 30 times at once pays exactly once', async () => {
      const resident = await user(h, 'resident');
      const social = await user(h, 'social_worker', {
        gridId: (await h.registry.sites.createGrid(`grid-${backend.name}-c`)).id,
      });
      const results = await Promise.all(
        Array.from({ length: 30 }, () =>
          call('POST', '/api/points/awards', social, {
            accountId: resident.id,
            ruleCode: 'accepted_suggestion',
            causeId: 'idea-7',
          }),
        ),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([...Array(29).fill(200), 201].sort());
      expect(new Set(results.map((r) => r.json().entry.id)).size).toBe(1);
      expect(await ledgerSum(resident.id)).toBe(50);
    });
  },
);
