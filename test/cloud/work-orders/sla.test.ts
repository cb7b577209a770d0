import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type Backend } from '../relational/harness.js';
import { type Caller, caller, type GovHarness, ORDER, startGovHarness, user } from './harness.js';

const MIN = 60_000;

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'SLA and escalation on %s',
  (_name, make) => {
    let backend: Backend;
    let h: GovHarness;
    let call: ReturnType<typeof caller>;
    let manager: Caller;
    let manager2: Caller;
    let lead: Caller;
    let worker: Caller;
    let teamId: string;
    let alerts = 0;

    beforeAll(async () => {
      backend = make();
      h = await startGovHarness(backend);
      call = caller(h);
      manager = await user(h, 'manager');
      manager2 = await user(h, 'manager');
      lead = await user(h, 'sanitation');
      worker = await user(h, 'installer');
      teamId = (await h.gov.teams.create({ name: '助老服务队', leadId: lead.id, memberIds: [worker.id] })).id;
    });
    afterAll(async () => {
      await h?.close();
      await backend?.stop();
    });

    const elderCheck = (dispatch = true) =>
      h.gov.workOrders.createFromAlert({
        alertId: `alert-${++alerts}`,
        title: `独居老人无活动 ${alerts}`,
        description: '门磁 12 小时无开合',
        location: '5栋101',
        category: 'elder_check',
        ...(dispatch && { dispatchTo: { teamId } }),
      });
    const inbox = async (who: Caller, orderId: string) =>
      (await call('GET', '/api/notifications?limit=200', who, undefined, { 'accept-language': 'en' }))
        .json()
        .items.filter(
          (n: { workOrderId: string; kind: string }) =>
            n.workOrderId === orderId && n.kind === 'work_order_escalated',
        );

    it('escalates an unacknowledged elder check to the team lead at 30 minutes, to the managers at 60, once each', async () => {
      const t0 = h.clock.now();
      const order = await elderCheck();
      expect(order.sla.responseDueAt).toBe(t0 + 30 * MIN);

      expect(await h.gov.sla.escalate(t0 + 30 * MIN - 1)).toEqual({ toLead: [], toManager: [] });
      const first = await Promise.all([h.gov.sla.escalate(t0 + 31 * MIN), h.gov.sla.escalate(t0 + 31 * MIN)]);
      // Two overlapping runs (two instances): the order goes up one level, once.
      expect(first.flatMap((r) => r.toLead)).toEqual([order.id]);
      let detail = (await call('GET', `/api/work-orders/${order.id}`, manager)).json();
      expect(detail.sla).toMatchObject({
        breachedAt: t0 + 30 * MIN,
        escalationLevel: 1,
        escalatedToLeadAt: t0 + 31 * MIN,
        escalatedToManagerAt: null,
      });
      expect((await inbox(lead, order.id)).map((n: { body: string }) => n.body)).toEqual([
        `"${order.title}" passed its response deadline unacknowledged and was escalated to the team lead`,
      ]);
      expect(await inbox(manager, order.id)).toEqual([]);

      expect((await h.gov.sla.escalate(t0 + 59 * MIN)).toManager).toEqual([]);
      expect((await h.gov.sla.escalate(t0 + 61 * MIN)).toManager).toEqual([order.id]);
      expect((await h.gov.sla.escalate(t0 + 200 * MIN)).toManager).toEqual([]);
      detail = (await call('GET', `/api/work-orders/${order.id}`, manager)).json();
      expect(detail.sla).toMatchObject({ escalationLevel: 2, escalatedToManagerAt: t0 + 61 * MIN });
      expect(detail.history.map((e: { action: string; at: number }) => [e.action, e.at - t0])).toEqual([
        ['reported', 0],
        ['dispatch', 0],
        ['escalated_to_lead', 31 * MIN],
        ['escalated_to_manager', 61 * MIN],
      ]);
      for (const m of [manager, manager2]) expect(await inbox(m, order.id)).toHaveLength(1);
    });

    it('never escalates an acknowledged order; a late acknowledgement still records the breach', async () => {
      const t0 = h.clock.now();
      const onTime = await elderCheck();
      const late = await elderCheck();
      h.clock.advance(10 * MIN);
      expect((await call('POST', `/api/work-orders/${onTime.id}/start`, worker, {})).statusCode).toBe(200);
      h.clock.advance(35 * MIN); // 45 min: late, and the job has not run
      const started = await call('POST', `/api/work-orders/${late.id}/start`, lead, {});
      expect(started.json().sla).toMatchObject({
        acknowledgedAt: t0 + 45 * MIN,
        breachedAt: t0 + 30 * MIN,
        escalationLevel: 0,
      });
      expect(await h.gov.sla.escalate(t0 + 24 * 60 * MIN)).toEqual({ toLead: [], toManager: [] });
      const fine = (await call('GET', `/api/work-orders/${onTime.id}`, manager)).json();
      expect(fine.sla).toMatchObject({ acknowledgedAt: t0 + 10 * MIN, breachedAt: null, escalationLevel: 0 });
    });

    it('sends an undispatched order straight to the managers (no lead to whistle to)', async () => {
      const t0 = h.clock.now();
      const order = await elderCheck(false);
      const run = await h.gov.sla.escalate(t0 + 30 * MIN);
      expect(run.toLead).toEqual([order.id]);
      expect(await inbox(manager, order.id)).toHaveLength(1);
      expect(await inbox(lead, order.id)).toHaveLength(0);
    });

    it('lets managers change a deadline; new orders get it, others keep the default', async () => {
      const forbidden = await call('PUT', '/api/sla/policies/repair', lead, { responseMinutes: 120 });
      expect(forbidden.statusCode).toBe(403);
      const put = await call('PUT', '/api/sla/policies/repair', manager, { responseMinutes: 120 });
      expect(put.json()).toEqual({
        category: 'repair',
        responseMinutes: 120,
        isDefault: false,
        updatedAt: h.clock.now(),
        updatedBy: manager.id,
      });
      const unknown = await call(
        'PUT',
        '/api/sla/policies/rocket',
        manager,
        { responseMinutes: 5 },
        { 'accept-language': 'en' },
      );
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error).toBe('invalid_field');
      const policies = (await call('GET', '/api/sla/policies', lead)).json();
      expect(policies.find((p: { category: string }) => p.category === 'elder_check')).toMatchObject({
        responseMinutes: 30,
        isDefault: true,
      });
      const order = (await call('POST', '/api/work-orders', worker, ORDER)).json();
      expect(order.sla.responseDueAt - order.createdAt).toBe(120 * MIN);
    });

    it('reports breaches, escalations and response times by category', async () => {
      const report = await call('GET', '/api/sla/report', manager);
      expect(report.statusCode).toBe(200);
      const elder = report.json().byCategory.find((c: { category: string }) => c.category === 'elder_check');
      // The four elder checks above: one escalated to lead and managers, one acknowledged at 10 min,
      // one at 45 min (late: breached), one undispatched escalated once. Mean response (10+45)/2.
      expect(elder).toEqual({
        category: 'elder_check',
        total: 4,
        acknowledged: 2,
        breached: 3,
        escalatedToLead: 2,
        escalatedToManager: 1,
        averageResponseMinutes: 27.5,
      });
      expect(
        report
          .json()
          .openBreaches.map((b: { escalationLevel: number }) => b.escalationLevel)
          .sort(),
      ).toEqual([1, 2]);
      expect((await call('GET', '/api/sla/report', lead)).statusCode).toBe(403);
    });
  },
);
