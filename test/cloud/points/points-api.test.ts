import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type Backend } from '../relational/harness.js';
import { type Caller, caller, type GovHarness, startGovHarness, user } from '../work-orders/harness.js';

describe.each(BACKENDS.map((make) => [make().name, make] as const))('points API on %s', (_name, make) => {
  let backend: Backend;
  let h: GovHarness;
  let call: ReturnType<typeof caller>;
  let manager: Caller;
  let worker: Caller;
  let resident: Caller;
  let neighbour: Caller;

  beforeAll(async () => {
    backend = make();
    h = await startGovHarness(backend);
    call = caller(h);
    manager = await user(h, 'manager');
    const gridId = (await h.registry.sites.createGrid('网格一')).id;
    worker = await user(h, 'social_worker', { gridId });
    resident = await user(h, 'resident', { displayName: '张大爷' });
    neighbour = await user(h, 'resident', { displayName: '刘阿姨' });
  });
  afterAll(async () => {
    await h?.close();
    await backend?.stop();
  });

  const award = (who: Caller, accountId: string, ruleCode: string, causeId: string, quantity?: number) =>
    call('POST', '/api/points/awards', who, { accountId, ruleCode, causeId, ...(quantity && { quantity }) });
  const summary = async (who: Caller) => (await call('GET', '/api/points/me', who)).json();

  it('serves the default rule table and lets only managers edit it', async () => {
    const rules = (await call('GET', '/api/points/rules', resident)).json();
    expect(rules.find((r: { code: string }) => r.code === 'volunteer_service')).toMatchObject({
      nameZh: '志愿服务',
      points: 30,
      unit: 'hour',
    });
    expect(
      (await call('PUT', '/api/points/rules/council_meeting', resident, { points: 99 })).statusCode,
    ).toBe(403);
    const edited = await call('PUT', '/api/points/rules/dispute_mediation', manager, {
      points: 25,
      dailyCap: 50,
    });
    expect(edited.json()).toMatchObject({
      code: 'dispute_mediation',
      points: 25,
      dailyCap: 50,
      updatedBy: manager.id,
    });
    const nameless = await call(
      'PUT',
      '/api/points/rules/garden_care',
      manager,
      { points: 5 },
      { 'accept-language': 'en' },
    );
    expect(nameless.json()).toEqual({ error: 'rule_not_found', message: 'no points rule garden_care' });
    const added = await call('PUT', '/api/points/rules/garden_care', manager, {
      points: 5,
      unit: 'time',
      nameZh: '认养绿地',
      nameEn: 'Garden care',
    });
    expect(added.json()).toMatchObject({ code: 'garden_care', points: 5, dailyCap: null });
  });

  it('awards under a rule once per cause: a retry is a replay, not a second payment', async () => {
    const first = await award(worker, resident.id, 'council_meeting', 'council-2025-01-15');
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      replayed: false,
      entry: {
        accountId: resident.id,
        kind: 'earn',
        amount: 20,
        balanceAfter: 20,
        ruleCode: 'council_meeting',
        cause: { type: 'staff_action', id: 'council-2025-01-15' },
        actorId: worker.id,
      },
    });
    const again = await award(worker, resident.id, 'council_meeting', 'council-2025-01-15');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...first.json(), replayed: true });
    expect((await summary(resident)).balance).toBe(20);

    const hourly = await award(worker, resident.id, 'volunteer_service', 'flu-clinic-2025-01-15', 1.5);
    expect(hourly.json().entry).toMatchObject({ amount: 45, quantity: 1.5, balanceAfter: 65 });

    const staff = await award(worker, worker.id, 'council_meeting', 'x');
    expect(staff.statusCode).toBe(409);
    expect(staff.json()).toEqual({
      error: 'not_a_resident',
      message: `用户 ${worker.id} 不是居民账号，不能获得或使用积分`,
    });
    expect((await award(worker, resident.id, 'nope_rule', 'x')).statusCode).toBe(404);
    expect((await award(resident, resident.id, 'council_meeting', 'self-service')).statusCode).toBe(403);
  });

  it('applies daily caps in community time, and a new day starts afresh', async () => {
    // waste_sorting: 10 each, at most 20 a day.
    h.clock.t = Date.UTC(2025, 0, 20, 15, 0); // 23:00 in Beijing
    expect((await award(worker, neighbour.id, 'waste_sorting', 'round-1')).json().entry.amount).toBe(10);
    expect((await award(worker, neighbour.id, 'waste_sorting', 'round-2')).json().entry.amount).toBe(10);
    const third = await award(worker, neighbour.id, 'waste_sorting', 'round-3');
    expect(third.statusCode).toBe(409);
    expect(third.json()).toEqual({
      error: 'daily_cap_reached',
      message: '今日“垃圾分类督导”积分已达上限 20 分',
    });
    h.clock.t = Date.UTC(2025, 0, 20, 16, 30); // 00:30 the next day in Beijing, same UTC day
    expect((await award(worker, neighbour.id, 'waste_sorting', 'round-3')).statusCode).toBe(201);
    // A partial award up to the cap: volunteer_service is capped at 240 a day.
    const long = await award(worker, neighbour.id, 'volunteer_service', 'marathon', 9);
    expect(long.json().entry).toMatchObject({ amount: 240, quantity: 9 });
  });

  it('gives levels by lifetime points and badges by rule counts; spending never demotes', async () => {
    const member = await user(h, 'resident', { displayName: '议事会老周' });
    for (let i = 1; i <= 5; i++) await award(worker, member.id, 'council_meeting', `council-${i}`);
    let me = await summary(member);
    expect(me).toMatchObject({
      balance: 100,
      lifetime: 100,
      consistent: true,
      level: { code: 'resident', nameZh: '居民', nextAt: 200 },
      badges: [{ code: 'council_pioneer', nameZh: '议事先锋', nameEn: 'Council pioneer' }],
    });
    await call('POST', '/api/points/adjustments', manager, {
      accountId: member.id,
      amount: 100,
      reason: '补录 2024 年志愿服务',
    });
    me = await summary(member);
    expect(me.level).toEqual({
      code: 'active_resident',
      nameZh: '热心居民',
      nameEn: 'Active resident',
      min: 200,
      nextAt: 1000,
    });
    const redeemed = await call('POST', '/api/points/redemptions', member, {
      itemId: 'housekeeping_service',
    });
    expect(redeemed.statusCode, redeemed.body).toBe(201);
    me = await summary(member);
    expect([me.balance, me.lifetime, me.level.code]).toEqual([0, 200, 'active_resident']);
    // Others may look at anyone's standing, as at the public ledger.
    expect((await call('GET', `/api/points/accounts/${member.id}`, neighbour)).json().badges).toHaveLength(1);
  });

  it('redeems against balance and stock, refusing clearly; a retried redemption is not charged twice', async () => {
    const buyer = await user(h, 'resident');
    const poor = await call('POST', '/api/points/redemptions', buyer, { itemId: 'supermarket_voucher_10' });
    expect(poor.statusCode).toBe(409);
    expect(poor.json()).toEqual({
      error: 'insufficient_points',
      message: '积分不足：当前余额 0 分，兑换需要 100 分',
      details: { balance: 0, cost: 100 },
    });
    await call('POST', '/api/points/adjustments', manager, {
      accountId: buyer.id,
      amount: 350,
      reason: '测试',
    });
    const stockBefore = (await call('GET', '/api/points/catalogue', buyer))
      .json()
      .find((i: { id: string }) => i.id === 'supermarket_voucher_10').stock;
    const body = { itemId: 'supermarket_voucher_10', idempotencyKey: 'tap-1' };
    const first = await call('POST', '/api/points/redemptions', buyer, body);
    expect(first.statusCode).toBe(201);
    expect(first.json().entry).toMatchObject({ kind: 'redeem', amount: -100, balanceAfter: 250 });
    const retry = await call('POST', '/api/points/redemptions', buyer, body);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ replayed: true, redemptionId: first.json().redemptionId });
    const stockAfter = (await call('GET', '/api/points/catalogue', buyer))
      .json()
      .find((i: { id: string }) => i.id === 'supermarket_voucher_10').stock;
    expect(stockAfter).toBe(stockBefore - 1);
    expect((await summary(buyer)).balance).toBe(250);

    await call('POST', '/api/points/catalogue', manager, {
      id: 'rice_5kg',
      nameZh: '5公斤大米',
      nameEn: '5 kg of rice',
      cost: 50,
      stock: 1,
    });
    expect((await call('POST', '/api/points/redemptions', buyer, { itemId: 'rice_5kg' })).statusCode).toBe(
      201,
    );
    const gone = await call(
      'POST',
      '/api/points/redemptions',
      buyer,
      { itemId: 'rice_5kg' },
      { 'accept-language': 'en' },
    );
    expect(gone.json()).toEqual({ error: 'out_of_stock', message: '5公斤大米 is out of stock' });
    await call('PATCH', '/api/points/catalogue/rice_5kg', manager, { stock: 5, active: false });
    expect((await call('POST', '/api/points/redemptions', buyer, { itemId: 'rice_5kg' })).json().error).toBe(
      'item_inactive',
    );
    expect((await call('POST', '/api/points/redemptions', buyer, { itemId: 'caviar' })).statusCode).toBe(404);
    const mine = (await call('GET', '/api/points/redemptions', buyer)).json();
    expect(mine.map((r: { itemId: string; cost: number }) => [r.itemId, r.cost]).sort()).toEqual([
      ['rice_5kg', 50],
      ['supermarket_voucher_10', 100],
    ]);
    expect((await call('GET', `/api/points/redemptions?accountId=${resident.id}`, buyer)).statusCode).toBe(
      403,
    );
  });

  it('adjusts and expires without going below zero; expiry keeps the level', async () => {
    const saver = await user(h, 'resident');
    await call('POST', '/api/points/adjustments', manager, {
      accountId: saver.id,
      amount: 30,
      reason: '补录',
    });
    const tooMuch = await call('POST', '/api/points/adjustments', manager, {
      accountId: saver.id,
      amount: -31,
      reason: '更正',
    });
    expect(tooMuch.json()).toEqual({
      error: 'amount_exceeds_balance',
      message: '扣减 31 分超过当前余额 30 分',
    });
    const expired = await call('POST', '/api/points/expirations', manager, {
      accountId: saver.id,
      amount: 20,
      reason: '年度清零',
      idempotencyKey: 'expire-2025-saver',
    });
    expect(expired.json().entry).toMatchObject({
      kind: 'expire',
      amount: -20,
      balanceAfter: 10,
      cause: { type: 'expiry' },
    });
    const replay = await call('POST', '/api/points/expirations', manager, {
      accountId: saver.id,
      amount: 20,
      reason: '年度清零',
      idempotencyKey: 'expire-2025-saver',
    });
    expect(replay.statusCode).toBe(200);
    const s = await summary(saver);
    expect([s.balance, s.lifetime, s.consistent]).toEqual([10, 30, true]);
    const reused = await call('POST', '/api/points/expirations', manager, {
      accountId: resident.id,
      amount: 1,
      reason: 'x',
      idempotencyKey: 'expire-2025-saver',
    });
    expect(reused.json().error).toBe('idempotency_conflict');
  });

  it('keeps a public ledger whose running balances and totals check out', async () => {
    const ledger = (
      await call('GET', `/api/points/ledger?accountId=${resident.id}&pageSize=200`, neighbour)
    ).json();
    const entries = [...ledger.items].reverse(); // oldest first
    let running = 0;
    for (const e of entries) {
      running += e.amount;
      expect(e.balanceAfter).toBe(running);
      expect(e.displayName).toBe('张大爷');
    }
    expect(running).toBe((await summary(resident)).balance);
    expect(entries[0]).toMatchObject({ rule: { code: 'council_meeting', nameZh: '参加议事会' } });
    const audit = await call('GET', '/api/points/audit', manager);
    expect(audit.json().mismatches).toEqual([]);
    expect(audit.json().accounts).toBeGreaterThanOrEqual(5);
    expect((await call('GET', '/api/points/audit', resident)).statusCode).toBe(403);
  });

  it('ranks the monthly top 10 by points earned in that month, community time', async () => {
    const people: Caller[] = [];
    for (let i = 0; i < 12; i++) people.push(await user(h, 'resident', { displayName: `居民${i}` }));
    // 2025-03-01 00:30 in Beijing is still February in UTC.
    h.clock.t = Date.UTC(2025, 1, 28, 16, 30);
    for (const [i, p] of people.entries()) {
      await award(worker, p.id, 'volunteer_service', `march-${i}`, (i + 1) / 2); // 15·(i+1) points
    }
    h.clock.t = Date.UTC(2025, 1, 28, 15, 30); // 23:30 on 28 Feb in Beijing
    await award(worker, people[0]!.id, 'accepted_suggestion', 'feb-idea');
    const march = (await call('GET', '/api/points/leaderboard?month=2025-03', resident)).json();
    expect(march.from).toBe(Date.UTC(2025, 1, 28, 16, 0));
    expect(march.entries).toHaveLength(10);
    expect(march.entries.slice(0, 2)).toEqual([
      { rank: 1, accountId: people[11]!.id, displayName: '居民11', points: 180 },
      { rank: 2, accountId: people[10]!.id, displayName: '居民10', points: 165 },
    ]);
    expect(march.entries.map((e: { points: number }) => e.points)).toEqual([
      180, 165, 150, 135, 120, 105, 90, 75, 60, 45,
    ]);
    const feb = (await call('GET', '/api/points/leaderboard?month=2025-02', resident)).json();
    expect(feb.entries.find((e: { accountId: string }) => e.accountId === people[0]!.id)?.points).toBe(50);
    const bad = await call('GET', '/api/points/leaderboard?month=2025-13', resident, undefined, {
      'accept-language': 'en',
    });
    expect(bad.json()).toEqual({ error: 'invalid_month', message: 'month 2025-13 must look like YYYY-MM' });
  });
});
