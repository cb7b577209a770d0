import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type Backend } from '../relational/harness.js';
import { type Caller, caller, type GovHarness, ORDER, startGovHarness, user } from './harness.js';

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'work orders API on %s',
  (_name, make) => {
    let backend: Backend;
    let h: GovHarness;
    let call: ReturnType<typeof caller>;
    let manager: Caller;
    let resident: Caller;
    let otherResident: Caller;
    let plumber: Caller;
    let lead: Caller;
    let outsider: Caller;
    let teamId: string;

    beforeAll(async () => {
      backend = make();
      h = await startGovHarness(backend);
      call = caller(h);
      manager = await user(h, 'manager');
      resident = await user(h, 'resident', { displayName: '李阿姨' });
      otherResident = await user(h, 'resident');
      plumber = await user(h, 'installer');
      lead = await user(h, 'social_worker', {
        gridId: (await h.registry.sites.createGrid('东湖一网格')).id,
      });
      outsider = await user(h, 'sanitation');
      const team = await call('POST', '/api/work-teams', manager, {
        name: '物业维修班',
        leadId: lead.id,
        memberIds: [plumber.id],
      });
      expect(team.statusCode).toBe(201);
      teamId = team.json().id;
    });
    afterAll(async () => {
      await h?.close();
      await backend?.stop();
    });

    const create = async (who: Caller, body: object = ORDER) => {
      const res = await call('POST', '/api/work-orders', who, body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };

    it('creates an order from a resident with source, SLA deadline and a first history entry', async () => {
      const order = await create(resident);
      expect(order).toMatchObject({
        ...ORDER,
        source: 'resident',
        status: 'reported',
        reporterId: resident.id,
        teamId: null,
        assigneeId: null,
        createdAt: h.clock.now(),
        sla: {
          // repair: 24 h by default
          responseDueAt: h.clock.now() + 24 * 3600_000,
          acknowledgedAt: null,
          breachedAt: null,
          escalationLevel: 0,
        },
      });
      const detail = await call('GET', `/api/work-orders/${order.id}`, resident);
      expect(detail.json().history).toEqual([
        {
          seq: 1,
          at: h.clock.now(),
          actorId: resident.id,
          action: 'reported',
          from: null,
          to: 'reported',
          note: null,
        },
      ]);
      const staff = await create(plumber, { ...ORDER, category: 'water_leak' });
      expect(staff.source).toBe('staff');
      expect(staff.sla.responseDueAt - staff.createdAt).toBe(60 * 60_000);
    });

    it('names every missing required field, in zh-CN by default and in English on request', async () => {
      const zh = await call('POST', '/api/work-orders', resident, { description: 'x', contact: '1' });
      expect(zh.statusCode).toBe(400);
      expect(zh.headers['content-language']).toBe('zh-CN');
      expect(zh.json()).toEqual({
        error: 'missing_fields',
        message: '缺少必填字段：title、location、category',
        details: { fields: ['title', 'location', 'category'], in: 'body' },
      });
      const en = await call(
        'POST',
        '/api/work-orders',
        resident,
        { ...ORDER, title: '' },
        { 'accept-language': 'en-US,en;q=0.9' },
      );
      expect(en.json()).toMatchObject({ error: 'missing_fields', message: 'missing required fields: title' });
      const noBody = await h.app.inject({
        method: 'POST',
        url: '/api/work-orders',
        headers: resident.headers,
      });
      expect(noBody.json()).toMatchObject({
        error: 'missing_fields',
        details: { fields: ['title', 'description', 'location', 'category'] },
      });
      const broken = await h.app.inject({
        method: 'POST',
        url: '/api/work-orders',
        headers: { ...resident.headers, 'content-type': 'application/json', 'accept-language': 'en' },
        payload: '{"title": ',
      });
      expect(broken.json()).toEqual({ error: 'invalid_json', message: 'the request body is not valid JSON' });
      const anonymous = await call('POST', '/api/work-orders', undefined, ORDER);
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json()).toEqual({
        error: 'unauthenticated',
        message: '未登录或登录已过期，请重新登录',
      });
      const badCategory = await call(
        'POST',
        '/api/work-orders',
        resident,
        { ...ORDER, category: 'ufo' },
        { 'accept-language': 'en' },
      );
      expect(badCategory.statusCode).toBe(400);
      expect(badCategory.json().error).toBe('invalid_field');
      expect(badCategory.json().message).toContain('field category must be one of: repair, elder_check');
    });

    it('answers 404 for an unknown id, and for an order the caller may not see', async () => {
      const missing = await call('GET', '/api/work-orders/nope', manager);
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ error: 'work_order_not_found', message: '工单 nope 不存在' });
      const order = await create(resident);
      const peek = await call('GET', `/api/work-orders/${order.id}`, otherResident, undefined, {
        'accept-language': 'en',
      });
      expect(peek.statusCode).toBe(404);
      expect(peek.json().message).toBe(`no work order ${order.id}`);
    });

    it('runs the closed loop to rated, keeping who/when/what/note of every step', async () => {
      const order = await create(resident);
      h.clock.advance(60_000);
      const dispatched = await call('POST', `/api/work-orders/${order.id}/dispatch`, manager, {
        teamId,
        note: '请维修班处理',
      });
      expect(dispatched.statusCode, dispatched.body).toBe(200);
      expect(dispatched.json()).toMatchObject({ status: 'dispatched', teamId, assigneeId: null });
      expect(dispatched.json().sla.acknowledgedAt).toBeNull();

      h.clock.advance(60_000);
      // No body at all is fine for a move whose fields are all optional.
      const started = await h.app.inject({
        method: 'POST',
        url: `/api/work-orders/${order.id}/start`,
        headers: plumber.headers,
      });
      expect(started.json()).toMatchObject({ status: 'in_progress', assigneeId: plumber.id });
      expect(started.json().sla.acknowledgedAt).toBe(h.clock.now());

      h.clock.advance(60_000);
      const done = await call('POST', `/api/work-orders/${order.id}/complete`, plumber, {
        note: '已更换灯泡',
      });
      expect(done.json()).toMatchObject({
        status: 'completed',
        completedAt: h.clock.now(),
        completionNote: '已更换灯泡',
      });

      const rated = await call('POST', `/api/work-orders/${order.id}/rate`, resident, {
        score: 5,
        comment: '很及时',
      });
      expect(rated.json()).toMatchObject({
        status: 'rated',
        rating: { score: 5, comment: '很及时', ratedAt: h.clock.now() },
      });

      const history = (await call('GET', `/api/work-orders/${order.id}`, manager)).json().history;
      expect(
        history.map((e: { action: string; actorId: string; from: string; to: string; note: string }) => [
          e.action,
          e.actorId,
          e.from,
          e.to,
          e.note,
        ]),
      ).toEqual([
        ['reported', resident.id, null, 'reported', null],
        ['dispatch', manager.id, 'reported', 'dispatched', '请维修班处理'],
        ['start', plumber.id, 'dispatched', 'in_progress', null],
        ['complete', plumber.id, 'in_progress', 'completed', '已更换灯泡'],
        ['rate', resident.id, 'completed', 'rated', '很及时'],
      ]);
      expect(history.map((e: { at: number }) => e.at - order.createdAt)).toEqual([
        0, 60_000, 120_000, 180_000, 180_000,
      ]);
    });

    it('refuses illegal transitions naming the current state and the allowed next states', async () => {
      const order = await create(resident);
      const early = await call('POST', `/api/work-orders/${order.id}/complete`, manager, {});
      expect(early.statusCode).toBe(409);
      expect(early.json()).toEqual({
        error: 'illegal_transition',
        message:
          '工单当前状态为 已上报(reported)，不能执行“complete”；可进行的下一步：已派单(dispatched)、已驳回(rejected)、已撤销(cancelled)',
        details: {
          current: 'reported',
          action: 'complete',
          allowed: ['dispatched', 'rejected', 'cancelled'],
        },
      });
      const rejected = await call('POST', `/api/work-orders/${order.id}/reject`, manager, {
        reason: '重复上报',
      });
      expect(rejected.json()).toMatchObject({ status: 'rejected', closeReason: '重复上报' });
      const again = await call(
        'POST',
        `/api/work-orders/${order.id}/dispatch`,
        manager,
        { teamId },
        { 'accept-language': 'en' },
      );
      expect(again.statusCode).toBe(409);
      expect(again.json().message).toBe(
        'cannot dispatch a work order that is rejected; allowed next states: none (the order is closed)',
      );
      const noReason = await call('POST', `/api/work-orders/${order.id}/cancel`, resident, {});
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().details.fields).toEqual(['reason']);
    });

    it('lets exactly one of two racing team members take an order; the other is told its new state', async () => {
      const second = await user(h, 'installer');
      const crew = (await h.gov.teams.create({ name: `抢单班-${_name}`, memberIds: [plumber.id, second.id] }))
        .id;
      const order = await create(resident);
      await call('POST', `/api/work-orders/${order.id}/dispatch`, manager, { teamId: crew });
      const [a, b] = await Promise.all([
        call('POST', `/api/work-orders/${order.id}/start`, plumber, {}),
        call('POST', `/api/work-orders/${order.id}/start`, second, {}),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
      const loser = a.statusCode === 409 ? a : b;
      expect(loser.json().details).toEqual({
        current: 'in_progress',
        action: 'start',
        allowed: ['completed', 'cancelled'],
      });
      const winner = a.statusCode === 200 ? plumber : second;
      const detail = (await call('GET', `/api/work-orders/${order.id}`, manager)).json();
      expect(detail.assigneeId).toBe(winner.id);
      expect(detail.history.filter((e: { action: string }) => e.action === 'start')).toHaveLength(1);
    });

    it('rates only a completed order, once, and only by its reporter', async () => {
      const order = await create(resident);
      const tooEarly = await call('POST', `/api/work-orders/${order.id}/rate`, resident, { score: 4 });
      expect(tooEarly.statusCode).toBe(409);
      expect(tooEarly.json().details.current).toBe('reported');
      await call('POST', `/api/work-orders/${order.id}/dispatch`, manager, { assigneeId: plumber.id });
      await call('POST', `/api/work-orders/${order.id}/start`, plumber, {});
      await call('POST', `/api/work-orders/${order.id}/complete`, plumber, {});
      const notReporter = await call('POST', `/api/work-orders/${order.id}/rate`, manager, { score: 1 });
      expect(notReporter.statusCode).toBe(403);
      expect(notReporter.json()).toEqual({
        error: 'not_reporter',
        message: '只有工单的报告人可以评价此工单',
      });
      const outOfRange = await call('POST', `/api/work-orders/${order.id}/rate`, resident, { score: 6 });
      expect(outOfRange.statusCode).toBe(400);
      expect(
        (await call('POST', `/api/work-orders/${order.id}/rate`, resident, { score: 4 })).statusCode,
      ).toBe(200);
      const twice = await call(
        'POST',
        `/api/work-orders/${order.id}/rate`,
        resident,
        { score: 1 },
        { 'accept-language': 'en' },
      );
      expect(twice.statusCode).toBe(409);
      expect(twice.json()).toEqual({
        error: 'already_rated',
        message: 'this work order has already been rated',
      });
    });

    it('lets only the assignee, their team or a manager work on an order; dispatch and reject are for managers', async () => {
      const order = await create(resident);
      const byResident = await call('POST', `/api/work-orders/${order.id}/dispatch`, resident, { teamId });
      expect(byResident.statusCode).toBe(403);
      expect(byResident.json()).toMatchObject({
        error: 'forbidden',
        message: '当前角色“居民”无权执行此操作（需要：管理人员）',
      });
      await call('POST', `/api/work-orders/${order.id}/dispatch`, manager, { assigneeId: plumber.id });
      const byOutsider = await call('POST', `/api/work-orders/${order.id}/start`, outsider, {});
      expect(byOutsider.statusCode).toBe(404); // not even visible to them
      const byLead = await call('POST', `/api/work-orders/${order.id}/start`, lead, {});
      expect(byLead.statusCode).toBe(404); // dispatched to a person, not the lead's team
      const unknownTeam = await call('POST', `/api/work-orders/${order.id}/dispatch`, manager, {
        teamId: 'ghost',
      });
      expect(unknownTeam.json()).toMatchObject({ error: 'unknown_team', message: '班组 ghost 不存在' });
      const nobody = await call('POST', `/api/work-orders/${order.id}/dispatch`, manager, {});
      expect(nobody.json().error).toBe('assignee_required');
    });

    it('scopes, filters, sorts and pages the list', async () => {
      // A fresh backend-independent slice: orders of a new resident, in a known order.
      const reporter = await user(h, 'resident');
      const made: string[] = [];
      for (const [i, category] of (
        ['repair', 'environment', 'repair', 'water_leak', 'repair'] as const
      ).entries()) {
        h.clock.advance(1000);
        made.push((await create(reporter, { ...ORDER, title: `t${i}`, category })).id);
      }
      await call('POST', `/api/work-orders/${made[0]}/dispatch`, manager, { teamId });
      await call('POST', `/api/work-orders/${made[2]}/dispatch`, manager, { assigneeId: plumber.id });

      const mine = await call('GET', '/api/work-orders?pageSize=100', reporter);
      expect(mine.json().total).toBe(5);
      expect(mine.json().items.map((o: { id: string }) => o.id)).toEqual([...made].reverse());

      const page2 = await call(
        'GET',
        `/api/work-orders?reporterId=${reporter.id}&category=repair&sort=createdAt&order=asc&page=2&pageSize=2`,
        manager,
      );
      expect(page2.json()).toMatchObject({ total: 3, page: 2, pageSize: 2 });
      expect(page2.json().items.map((o: { id: string }) => o.id)).toEqual([made[4]]);

      const dispatched = await call(
        'GET',
        `/api/work-orders?reporterId=${reporter.id}&status=dispatched&sort=createdAt&order=asc`,
        manager,
      );
      expect(dispatched.json().items.map((o: { id: string }) => o.id)).toEqual([made[0], made[2]]);

      const t0 = (await call('GET', `/api/work-orders/${made[1]}`, manager)).json().createdAt;
      const range = await call(
        'GET',
        `/api/work-orders?reporterId=${reporter.id}&from=${t0}&to=${t0 + 2000}`,
        manager,
      );
      expect(range.json().items.map((o: { id: string }) => o.id)).toEqual([made[2], made[1]]);

      // Staff see their team's orders and their own assignments, not the resident's other ones.
      const leadView = await call('GET', `/api/work-orders?reporterId=${reporter.id}`, lead);
      expect(leadView.json().items.map((o: { id: string }) => o.id)).toEqual([made[0]]);
      const plumberView = await call(
        'GET',
        `/api/work-orders?reporterId=${reporter.id}&sort=createdAt&order=asc`,
        plumber,
      );
      expect(plumberView.json().items.map((o: { id: string }) => o.id)).toEqual([made[0], made[2]]);
      const byAssignee = await call(
        'GET',
        `/api/work-orders?assigneeId=${plumber.id}&reporterId=${reporter.id}`,
        manager,
      );
      expect(byAssignee.json().items.map((o: { id: string }) => o.id)).toEqual([made[2]]);
      expect((await call('GET', `/api/work-orders?reporterId=${reporter.id}`, outsider)).json().total).toBe(
        0,
      );
      const gridId = (await h.registry.sites.createGrid(`西湖网格-${_name}`)).id;
      const gridOrder = await create(reporter, { ...ORDER, gridId });
      const inGrid = await call('GET', `/api/work-orders?gridId=${gridId}`, manager);
      expect(inGrid.json().items.map((o: { id: string }) => o.id)).toEqual([gridOrder.id]);
      const ghostGrid = await call('POST', '/api/work-orders', reporter, { ...ORDER, gridId: 'ghost' });
      expect(ghostGrid.json()).toEqual({ error: 'unknown_grid', message: '网格 ghost 不存在' });
      const bad = await call('GET', '/api/work-orders?pageSize=1000', manager);
      expect(bad.statusCode).toBe(400);
    });

    it('notifies the assignee and the reporter in their inbox, rendered per language', async () => {
      const order = await create(resident, { ...ORDER, title: '水管漏水', category: 'water_leak' });
      await call('POST', `/api/work-orders/${order.id}/dispatch`, manager, { assigneeId: plumber.id });
      const inbox = await call('GET', '/api/notifications', plumber);
      expect(inbox.json().unread).toBeGreaterThanOrEqual(1);
      const note = inbox.json().items.find((n: { workOrderId: string }) => n.workOrderId === order.id);
      expect(note).toMatchObject({
        kind: 'work_order_dispatched',
        title: '新工单：水管漏水',
        body: '请尽快响应工单“水管漏水”（地点：3栋2单元4楼）',
        readAt: null,
      });
      const reporterInbox = await call('GET', '/api/notifications?unread=true', resident, undefined, {
        'accept-language': 'en',
      });
      const update = reporterInbox
        .json()
        .items.find((n: { workOrderId: string }) => n.workOrderId === order.id);
      expect(update).toMatchObject({
        kind: 'work_order_status',
        body: 'Your work order "水管漏水" is now dispatched',
      });
      // The same notification read in zh-CN names the state, not its code.
      const zhInbox = await call('GET', '/api/notifications?unread=true', resident);
      expect(zhInbox.json().items.find((n: { id: string }) => n.id === update.id)).toMatchObject({
        body: '您的工单“水管漏水”状态变为已派单',
      });
      const read = await call('POST', `/api/notifications/${update.id}/read`, resident);
      expect(read.statusCode).toBe(204);
      const after = await call('GET', '/api/notifications?unread=true', resident);
      expect(after.json().items.some((n: { id: string }) => n.id === update.id)).toBe(false);
      expect((await call('POST', `/api/notifications/${update.id}/read`, plumber)).statusCode).toBe(404);
    });

    it('opens one order per IoT alert, dispatched straight away when asked', async () => {
      const input = {
        alertId: 'alert-42',
        title: '独居老人 12 小时无活动',
        description: '门磁 12 小时无开合',
        location: '5栋101',
        category: 'elder_check' as const,
        dispatchTo: { assigneeId: lead.id },
      };
      const [a, b] = await Promise.all([
        h.gov.workOrders.createFromAlert(input),
        h.gov.workOrders.createFromAlert(input),
      ]);
      expect(a.id).toBe(b.id);
      const order = (await call('GET', `/api/work-orders/${a.id}`, manager)).json();
      expect(order).toMatchObject({
        source: 'iot_alert',
        reporterId: null,
        alertRef: 'alert-42',
        status: 'dispatched',
        assigneeId: lead.id,
      });
      expect(order.sla.responseDueAt - order.createdAt).toBe(30 * 60_000);
      expect(order.history.map((e: { action: string }) => e.action)).toEqual(['reported', 'dispatch']);
      expect((await call('GET', `/api/work-orders?source=iot_alert`, manager)).json().total).toBe(1);
    });

    it('lists accepted and completed suggestions publicly, without personal data', async () => {
      const suggestion = await create(resident, {
        title: '增设电动车充电桩',
        description: '小区北门附近电动车乱停乱充',
        location: '北门',
        contact: '13800000009',
        category: 'suggestion',
      });
      const ignored = await create(otherResident, {
        ...ORDER,
        title: '不采纳的建议',
        category: 'suggestion',
      });
      const accept = await call('POST', `/api/work-orders/${suggestion.id}/confirm-valid`, manager, {
        note: '居委会议通过',
      });
      expect(accept.json().validatedAt).toBe(h.clock.now());
      await call('POST', `/api/work-orders/${suggestion.id}/dispatch`, manager, { teamId });
      await call('POST', `/api/work-orders/${suggestion.id}/start`, plumber, {});
      await call('POST', `/api/work-orders/${suggestion.id}/complete`, plumber, {
        note: '北门已安装 10 个充电桩',
      });
      await call('POST', `/api/work-orders/${ignored.id}/reject`, manager, { reason: '不具备条件' });

      const list = await call('GET', '/api/public/suggestions-landed');
      expect(list.statusCode).toBe(200);
      expect(list.json()).toEqual({
        total: 1,
        page: 1,
        pageSize: 20,
        items: [
          {
            id: suggestion.id,
            title: '增设电动车充电桩',
            description: '小区北门附近电动车乱停乱充',
            location: '北门',
            outcome: '北门已安装 10 个充电桩',
            proposedAt: suggestion.createdAt,
            landedAt: h.clock.now(),
            rating: null,
          },
        ],
      });
      expect(list.body).not.toContain('13800000009');
    });

    it('documents the governance routes in the OpenAPI spec', async () => {
      const spec = await h.app.inject({ method: 'GET', url: '/documentation/json' });
      // The harness has no swagger; the real service's /docs is checked in cloud-wiring.test.ts.
      expect([404, 200]).toContain(spec.statusCode);
    });
  },
);
