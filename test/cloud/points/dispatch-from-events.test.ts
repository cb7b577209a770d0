import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type Backend } from '../relational/harness.js';
import {
  type Caller,
  caller,
  type GovHarness,
  ORDER,
  startGovHarness,
  user,
} from '../work-orders/harness.js';

/** Points that follow from work orders through the event bus, once per cause. */
describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'points from work-order events on %s',
  (_name, make) => {
    let backend: Backend;
    let h: GovHarness;
    let call: ReturnType<typeof caller>;
    let manager: Caller;
    let volunteer: Caller;
    let reporter: Caller;
    let staff: Caller;

    beforeAll(async () => {
      backend = make();
      h = await startGovHarness(backend);
      call = caller(h);
      manager = await user(h, 'manager');
      volunteer = await user(h, 'resident', { displayName: '志愿者小陈' });
      reporter = await user(h, 'resident');
      staff = await user(h, 'installer');
    });
    afterAll(async () => {
      await h?.close();
      await backend?.stop();
    });

    const entries = async (accountId: string) =>
      (await call('GET', `/api/points/ledger?accountId=${accountId}`, manager)).json().items as Array<{
        amount: number;
        ruleCode: string;
        cause: { type: string; id: string };
        quantity: number | null;
      }>;

    it("a volunteer's completed elder check pays their hours, once, even if the event comes again", async () => {
      const order = (
        await call('POST', '/api/work-orders', staff, {
          ...ORDER,
          title: '探访独居老人',
          category: 'elder_check',
        })
      ).json();
      await call('POST', `/api/work-orders/${order.id}/dispatch`, manager, { assigneeId: volunteer.id });
      await call('POST', `/api/work-orders/${order.id}/start`, volunteer, {});
      const noHours = await call(
        'POST',
        `/api/work-orders/${order.id}/complete`,
        volunteer,
        {},
        { 'accept-language': 'en' },
      );
      expect(noHours.statusCode).toBe(400);
      expect(noHours.json()).toEqual({
        error: 'hours_required',
        message: 'an elder-check or volunteer order done by a volunteer needs the hours served (hours)',
      });
      const done = await call('POST', `/api/work-orders/${order.id}/complete`, volunteer, {
        hours: 1.5,
        note: '老人安好',
      });
      expect(done.json()).toMatchObject({ status: 'completed', hours: 1.5 });
      expect(await entries(volunteer.id)).toMatchObject([
        {
          amount: 45,
          ruleCode: 'volunteer_service',
          quantity: 1.5,
          cause: { type: 'work_order', id: order.id },
        },
      ]);
      // At-least-once delivery: the same event again pays nothing.
      await h.gov.bus.emit('workOrder.completed', {
        orderId: order.id,
        title: order.title,
        category: 'elder_check',
        assigneeId: volunteer.id,
        assigneeRole: 'resident',
        hours: 1.5,
        at: h.clock.now(),
      });
      expect(await entries(volunteer.id)).toHaveLength(1);
      expect(h.busErrors).toEqual([]);
    });

    it('a staff member completing an elder check earns nothing (points are for residents)', async () => {
      const order = (
        await call('POST', '/api/work-orders', staff, { ...ORDER, category: 'volunteer' })
      ).json();
      await call('POST', `/api/work-orders/${order.id}/dispatch`, manager, { assigneeId: staff.id });
      await call('POST', `/api/work-orders/${order.id}/start`, staff, {});
      expect(
        (await call('POST', `/api/work-orders/${order.id}/complete`, staff, { hours: 3 })).statusCode,
      ).toBe(200);
      const rows = await h.store.db
        .selectFrom('points_ledger')
        .selectAll()
        .where('cause_id', '=', order.id)
        .execute();
      expect(rows).toEqual([]);
    });

    it("a resident's report confirmed valid pays 5, an accepted suggestion 50, each once", async () => {
      const report = (await call('POST', '/api/work-orders', reporter, ORDER)).json();
      const idea = (
        await call('POST', '/api/work-orders', reporter, {
          ...ORDER,
          title: '增设休闲座椅',
          category: 'suggestion',
        })
      ).json();
      expect(
        (await call('POST', `/api/work-orders/${report.id}/confirm-valid`, manager, {})).statusCode,
      ).toBe(200);
      expect(
        (await call('POST', `/api/work-orders/${idea.id}/confirm-valid`, manager, { note: '采纳' }))
          .statusCode,
      ).toBe(200);
      const twice = await call('POST', `/api/work-orders/${report.id}/confirm-valid`, manager, {});
      expect(twice.statusCode).toBe(409);
      expect(twice.json()).toEqual({ error: 'already_validated', message: '该工单已确认过，不能重复确认' });
      const got = await entries(reporter.id);
      expect(got.map((e) => [e.ruleCode, e.amount, e.cause.id]).sort()).toEqual(
        [
          ['accepted_suggestion', 50, idea.id],
          ['valid_report', 5, report.id],
        ].sort(),
      );
      const history = (await call('GET', `/api/work-orders/${idea.id}`, manager)).json().history;
      expect(history.at(-1)).toMatchObject({
        action: 'suggestion_accepted',
        actorId: manager.id,
        note: '采纳',
      });

      const byStaff = (await call('POST', '/api/work-orders', staff, ORDER)).json();
      const refused = await call('POST', `/api/work-orders/${byStaff.id}/confirm-valid`, manager, {});
      expect(refused.json()).toEqual({
        error: 'not_resident_report',
        message: '只有居民上报的工单或建议可以确认有效并计积分',
      });
    });

    it('a reached daily cap is an outcome, not an error; the confirmation itself stands', async () => {
      const busy = await user(h, 'resident');
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        ids.push((await call('POST', '/api/work-orders', busy, { ...ORDER, title: `r${i}` })).json().id);
      }
      for (const id of ids) {
        expect((await call('POST', `/api/work-orders/${id}/confirm-valid`, manager, {})).statusCode).toBe(
          200,
        );
      }
      // valid_report: 5 each, capped at 25 a day: the sixth earns nothing, quietly.
      expect((await entries(busy.id)).reduce((s, e) => s + e.amount, 0)).toBe(25);
      expect(h.busErrors).toEqual([]);
      expect((await call('GET', `/api/work-orders/${ids[5]}`, manager)).json().validatedAt).toBe(
        h.clock.now(),
      );
    });

    it('recovers an award whose listener failed, by republishing, and never pays twice', async () => {
      const helper = await user(h, 'resident');
      const order = (
        await call('POST', '/api/work-orders', staff, { ...ORDER, category: 'volunteer' })
      ).json();
      await call('POST', `/api/work-orders/${order.id}/dispatch`, manager, { assigneeId: helper.id });
      await call('POST', `/api/work-orders/${order.id}/start`, helper, {});
      // The award fails (here: the account is briefly disabled) after the completion committed.
      await h.registry.users.update(helper.id, { disabled: true });
      const done = await call('POST', `/api/work-orders/${order.id}/complete`, manager, { hours: 2 });
      expect(done.json().status).toBe('completed');
      expect(h.busErrors).toMatchObject([
        { event: 'workOrder.completed', listener: 'points.volunteer-hours' },
      ]);
      expect(await entries(helper.id)).toEqual([]);

      await h.registry.users.update(helper.id, { disabled: false });
      const since = h.clock.now() - 3600_000;
      expect(await h.gov.workOrders.republishAwards(since)).toBeGreaterThanOrEqual(1);
      await h.gov.workOrders.republishAwards(since);
      expect((await entries(helper.id)).map((e) => [e.ruleCode, e.amount, e.cause.id])).toEqual([
        ['volunteer_service', 60, order.id],
      ]);
      // Everything else republished in that window had been paid already: nothing new, no errors.
      expect((await call('GET', '/api/points/audit', manager)).json().mismatches).toEqual([]);
      expect(h.busErrors).toHaveLength(1);
    });
  },
);
