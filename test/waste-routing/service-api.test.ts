import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteTimeseriesStore } from '../../cloud/src/adapters/sqlite-timeseries.js';
import { InAppNotifier } from '../../cloud/src/modules/notifications/in-app-notifier.js';
import { NotificationsService } from '../../cloud/src/modules/notifications/notifications.service.js';
import { InboxCrewNotices } from '../../cloud/src/modules/waste-routing/crew-notices.js';
import { type GeoPoint, haversineM } from '../../cloud/src/modules/waste-routing/geo.js';
import { InMemoryUrgentBinAlerts } from '../../cloud/src/modules/waste-routing/urgent-alerts.js';
import { DEFAULT_WASTE_CONFIG } from '../../cloud/src/modules/waste-routing/waste-routing.config.js';
import { wasteRoutingJobs } from '../../cloud/src/modules/waste-routing/waste-routing.job.js';
import type { RoundView } from '../../cloud/src/modules/waste-routing/waste-routing.model.js';
import { wasteRoutingRoutes } from '../../cloud/src/modules/waste-routing/waste-routing.routes.js';
import { WasteRoutingService } from '../../cloud/src/modules/waste-routing/waste-routing.service.js';
import { type Harness, loginAs, sqliteBackend, startHarness } from '../cloud/relational/harness.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { binStops, fillHistory, HOUR, PLAN_AT } from '../support/waste-scene.js';

const DEPOT = { lat: 31.23, lon: 121.465 };
const DUMP = { lat: 31.24, lon: 121.48 };
/** Driving time (ms) between two points, as the planner reckons it without a road matrix. */
const legMs = (a: GeoPoint, b: GeoPoint) =>
  ((DEFAULT_WASTE_CONFIG.fleet.detourFactor * haversineM(a, b)) /
    (DEFAULT_WASTE_CONFIG.fleet.speedKmh / 3.6)) *
  1000;

/** Bins: [id, % per hour between 06:00 and 22:00, has a sensor, east metres]. */
const BINS: Array<[string, number, boolean, number]> = [
  ['fast-1', 5, true, 0],
  ['fast-2', 5, true, 120],
  ['slow-1', 0.5, true, 240],
  ['mute-1', 0, false, 360],
  ['hot-1', 0.5, true, 480],
];

describe('waste routing service and API (SQLite stores, manual clock)', () => {
  let h: Harness;
  let dir: TempDir;
  let ts: SqliteTimeseriesStore;
  let service: WasteRoutingService;
  const alerts = new InMemoryUrgentBinAlerts();
  const backend = sqliteBackend();
  let crew: { authorization: string };
  let manager: { authorization: string };
  let binId: Map<string, string>;

  beforeAll(async () => {
    dir = makeTempDir('waste');
    ts = new SqliteTimeseriesStore(`${dir.path}/ts.db`);
    // The harness opens the store and registers the routes in one go, before the service (which
    // needs the store) exists: the routes get a stand-in that forwards to it once it does.
    const late = new Proxy({} as WasteRoutingService, {
      get: (_t, key) => {
        const v = Reflect.get(service, key);
        return typeof v === 'function' ? v.bind(service) : v;
      },
    });
    h = await startHarness(backend, { api: { extensions: [wasteRoutingRoutes(late)] } });
    h.clock.t = PLAN_AT;
    service = new WasteRoutingService(
      h.store,
      ts,
      h.module.registry,
      alerts,
      h.clock,
      {
        ...DEFAULT_WASTE_CONFIG,
        depot: DEPOT,
        dump: DUMP,
        fleet: { ...DEFAULT_WASTE_CONFIG.fleet, capacityLiters: 300 },
        // An iteration budget, so the plans (and the 'beats the fixed round' check) do not depend on
        // how much CPU a loaded machine leaves in a wall-clock budget; the time limit is a backstop.
        timeLimitMs: 30_000,
        maxIterations: 20_000,
      },
      new InboxCrewNotices(h.module.users, new InAppNotifier(h.store, h.clock)),
    );
    binId = new Map();
    await h.module.registry.createGateway({ id: 'gw-1', name: 'gw' });
    for (const [name, rate, sensor, east] of BINS) {
      if (sensor) {
        await h.module.registry.createDevice(`dev-${name}`, { gatewayId: 'gw-1', profile: 'linli-bin-500' });
        await ts.write(fillHistory(`dev-${name}`, rate, name === 'hot-1'));
      }
      const bin = await h.module.registry.createBin({
        name: `Building ${name}`,
        lat: 31.23,
        lon: 121.47 + east / 95_000,
        capacityLiters: 240,
        deviceId: sensor ? `dev-${name}` : null,
      });
      binId.set(name, bin.id);
    }
    crew = await loginAs(h, 'sanitation');
    manager = await loginAs(h, 'manager');
  });
  afterAll(async () => {
    await h?.close();
    await ts?.close();
    await backend.stop();
    dir?.remove();
  });

  const api = (method: 'GET' | 'POST', url: string, headers: { authorization: string }, payload?: object) =>
    h.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  it('plans the morning round from the forecast: fast and unknown bins in, a slow one out; fire alerted', async () => {
    const jobs = wasteRoutingJobs(service);
    const plan = jobs.find((j) => j.name === 'waste-routing.plan')!;
    expect(plan.schedule).toBe('30 5 * * *');
    expect(plan.timezone).toBe('Asia/Shanghai');
    const cron = await import('node-cron');
    for (const j of jobs) expect(cron.default.validate(j.schedule)).toBe(true);
    const result = (await plan.run(h.clock.now())) as { date: string; trucks: number };
    expect(result.date).toBe('2025-03-03');

    const round = await service.round('2025-03-03');
    // The crews find the day's route in their inbox.
    const crewId = (await h.module.users.list()).find((u) => u.role === 'sanitation')!.id;
    const ready = (await new NotificationsService(h.store, h.clock).inbox(crewId, 'zh-CN')).items.filter(
      (n) => n.kind === 'waste_route_ready',
    );
    expect(ready).toMatchObject([
      {
        title: '今日收运路线（2025-03-03）',
        body: `共 ${binStops(round).length} 个站点、${round.trucks.length} 辆车、约 ${
          Math.round(round.distanceM / 100) / 10
        } 公里，请在路线页查看`,
      },
    ]);
    const visited = binStops(round).map((s) => s.binId);
    // fast bins: 80 % by 22:00, mandatory; the sensorless bin: unknown, visited; slow: 8 % a day.
    expect(visited).toEqual(
      expect.arrayContaining([binId.get('fast-1'), binId.get('fast-2'), binId.get('mute-1')]),
    );
    expect(visited).not.toContain(binId.get('slow-1'));
    expect(new Set(visited).size).toBe(visited.length);
    // Every truck unloads and ends its day at the depot.
    for (const t of round.trucks) expect(t.stops.at(-1)!.kind).toBe('depot');
    const first = binStops(round)[0]!;
    expect(first.expectedAt).toBeGreaterThan(round.pickupAt);
    expect(first.address).toMatch(/^Building /);
    expect(round.baselineM).toBeGreaterThan(round.distanceM);
    expect(alerts.raised.map((a) => [a.binId, a.kind])).toEqual([[binId.get('hot-1'), 'fire']]);
  });

  it('serves the route to a sanitation user, takes reports, re-plans the rest keeping them', async () => {
    const res = await api('GET', '/api/waste/routes?date=2025-03-03', crew);
    expect(res.statusCode).toBe(200);
    const round = res.json() as RoundView;
    const [a, b] = binStops(round);
    h.clock.advance(4 * HOUR + 10 * 60_000); // 09:40, the round is under way
    expect(
      (await api('POST', `/api/waste/stops/${a!.id}`, crew, { status: 'done', measuredPct: 77 })).statusCode,
    ).toBe(204);
    expect(
      (await api('POST', `/api/waste/stops/${b!.id}`, crew, { status: 'skipped', reason: 'blocked' }))
        .statusCode,
    ).toBe(204);
    const again = await api('POST', `/api/waste/stops/${a!.id}`, crew, { status: 'done', measuredPct: 70 });
    expect(again.statusCode).toBe(409);
    expect(
      (await api('POST', `/api/waste/stops/${a!.id}`, crew, { status: 'skipped', reason: 'lost' }))
        .statusCode,
    ).toBe(400);
    // truck_full is for optional stops only: a mandatory one (forecast to fill before the next
    // round) is refused with the reason and stays pending. The route says which stops are optional.
    for (const s of binStops(round)) expect(typeof s.optional).toBe('boolean');
    const c = binStops(round).find((s) => s.id !== a!.id && s.id !== b!.id && !s.optional)!;
    const full = await api('POST', `/api/waste/stops/${c.id}`, crew, {
      status: 'skipped',
      reason: 'truck_full',
    });
    expect(full.statusCode).toBe(409);
    expect(full.json()).toMatchObject({ error: 'mandatory_stop_truck_full' });
    expect((full.json() as { message: string }).message).toContain(c.id);
    expect(
      binStops((await api('GET', '/api/waste/routes?date=2025-03-03', crew)).json() as RoundView),
    ).toContainEqual(expect.objectContaining({ id: c.id, status: 'pending' }));

    await loginAs(h, 'sanitation', { username: 'crew-two' });
    const replanned = (await api('POST', '/api/waste/plan', crew)).json() as RoundView;
    const stops = binStops(replanned);
    // The other crews are told who re-planned; the one who asked is not.
    const sanitation = (await h.module.users.list()).filter((u) => u.role === 'sanitation');
    const asker = sanitation.find((u) => u.username !== 'crew-two')!;
    const replans = async (userId: string) =>
      (await new NotificationsService(h.store, h.clock).inbox(userId, 'zh-CN')).items.filter(
        (n) => n.kind === 'waste_route_replanned',
      );
    const two = sanitation.find((u) => u.username === 'crew-two')!;
    expect(await replans(two.id)).toMatchObject([
      {
        title: '收运路线已重新规划（2025-03-03）',
        body: `${asker.username} 重新规划了今日路线，现有 ${stops.length} 个站点，请刷新路线查看`,
      },
    ]);
    expect(await replans(asker.id)).toEqual([]);
    expect(stops.find((s) => s.id === a!.id)).toMatchObject({ status: 'done', measuredPct: 77 });
    expect(stops.find((s) => s.id === b!.id)).toMatchObject({ status: 'skipped', skipReason: 'blocked' });
    // Reported bins are not planned again; the rest is, from now on.
    const pending = stops.filter((s) => s.status === 'pending');
    expect(pending.map((s) => s.binId)).not.toContain(a!.binId);
    expect(pending.map((s) => s.binId)).not.toContain(b!.binId);
    expect(pending.length).toBeGreaterThan(0);
    for (const s of pending) expect(s.expectedAt).toBeGreaterThan(h.clock.now());
    // A truck under way goes on from its last reported stop, not from the depot.
    const out = replanned.trucks.filter((t) =>
      t.stops.some((s) => s.kind === 'bin' && s.status !== 'pending'),
    );
    expect(out.length).toBeGreaterThan(0);
    for (const t of out) {
      const last = t.stops.filter((s) => s.kind === 'bin' && s.status !== 'pending').at(-1)!;
      const next = t.stops.find((s) => s.status === 'pending' && s.seq > last.seq)!;
      const to =
        next.kind === 'bin' ? { lat: next.lat!, lon: next.lon! } : next.kind === 'dump' ? DUMP : DEPOT;
      expect(next.expectedAt - h.clock.now()).toBeCloseTo(legMs({ lat: last.lat!, lon: last.lon! }, to), -1);
      expect(t.stops.at(-1)!.kind).toBe('depot');
    }
  });

  it('an intraday check re-plans only when a bin off the round is about to overflow', async () => {
    h.clock.t = PLAN_AT + 7.5 * HOUR; // 13:00 local
    const check = wasteRoutingJobs(service).find((j) => j.name === 'waste-routing.intraday-13:00')!;
    expect(check.schedule).toBe('0 13 * * *');
    const before = await service.round('2025-03-03');
    const slow = binId.get('slow-1')!;
    expect(binStops(before).map((s) => s.binId)).not.toContain(slow);
    // slow-1's last reading is from 05:00: too old to act on; nothing else is off the round.
    expect(await check.run(h.clock.now())).toEqual({ date: '2025-03-03', urgent: [], replanned: false });
    expect((await service.round('2025-03-03')).plannedAt).toBe(before.plannedAt);
    // The crews are told only when their route changes: nothing yet.
    const crewIds = (await h.module.users.list()).filter((u) => u.role === 'sanitation').map((u) => u.id);
    expect(crewIds.length).toBeGreaterThan(0);
    const inbox = new NotificationsService(h.store, h.clock);
    const notices = async (lang: 'zh-CN' | 'en' = 'zh-CN') =>
      (await inbox.inbox(crewIds[0]!, lang)).items.filter((n) => n.kind === 'waste_route_updated');
    expect(await notices()).toEqual([]);

    // Someone fills slow-1 at lunchtime: its live reading says 93 %.
    await ts.write([
      {
        gatewayId: 'gw-1',
        device: 'dev-slow-1',
        ts: h.clock.now() - 5 * 60_000,
        seq: 100_000,
        quality: 'good',
        values: { fill_pct: 93, temperature_c: 18, tilt_deg: 1, tilted: false, fire_alarm: false },
      },
    ]);
    expect(await check.run(h.clock.now())).toEqual({ date: '2025-03-03', urgent: [slow], replanned: true });
    const after = await service.round('2025-03-03');
    expect(after.plannedAt).toBe(h.clock.now());
    const stops = binStops(after);
    expect(stops.find((s) => s.binId === slow)).toMatchObject({ status: 'pending' });
    // What the crew reported this morning stays as reported.
    const reported = binStops(before).filter((s) => s.status !== 'pending');
    expect(reported.length).toBe(2);
    for (const r of reported) expect(stops.find((s) => s.id === r.id)).toMatchObject({ status: r.status });
    // Every crew member's inbox says so, in their language: one bin about to overflow, and the new
    // stops (slow-1 and whatever the re-plan tops its trip up with).
    const onBefore = new Set(binStops(before).map((s) => s.binId));
    const added = stops.filter((s) => s.status === 'pending' && !onBefore.has(s.binId)).length;
    expect(added).toBeGreaterThanOrEqual(1);
    for (const id of crewIds)
      expect((await inbox.inbox(id, 'zh-CN')).items.map((n) => n.title)).toContain(
        '收运路线已更新（2025-03-03）',
      );
    expect(await notices()).toMatchObject([
      { body: `有 1 个垃圾桶将满，今日路线新增 ${added} 个站点，请刷新路线查看`, workOrderId: null },
    ]);
    expect((await notices('en'))[0]!.body).toBe(
      `1 bin(s) about to overflow: today's route has ${added} new stop(s); reload it`,
    );
    // Once it is on the round, the next check leaves the round alone, and tells nobody again.
    expect((await check.run(h.clock.now())) as { replanned: boolean }).toMatchObject({ replanned: false });
    expect(await notices()).toHaveLength(1);
  });

  it('exports GeoJSON, refuses other roles, and gives managers the day figures', async () => {
    const round = (await api('GET', '/api/waste/routes', crew)).json() as RoundView;
    const vehicle = round.trucks[0]!.vehicleId;
    const geo = await api('GET', `/api/waste/routes/${vehicle}/geojson`, crew);
    expect(geo.statusCode).toBe(200);
    expect(geo.headers['content-type']).toContain('application/geo+json');
    const fc = geo.json() as {
      features: Array<{
        geometry: { type: string; coordinates: number[] };
        properties: Record<string, unknown>;
      }>;
    };
    expect(fc.features[0]!.geometry.type).toBe('LineString');
    expect(fc.features.length).toBe(round.trucks[0]!.stops.length + 1);
    // Each stop's point says what the route answer says of it, including whether the crew may leave it.
    for (const [i, s] of round.trucks[0]!.stops.entries()) {
      expect(fc.features[i + 1]!.properties).toMatchObject({
        seq: s.seq,
        binId: s.binId,
        optional: s.optional,
        plannedLiters: s.plannedLiters,
        pointId: s.pointId,
      });
    }

    const installer = await loginAs(h, 'installer');
    expect((await api('GET', '/api/waste/routes', installer)).statusCode).toBe(403);
    expect((await api('GET', '/api/waste/stats?from=2025-03-01&to=2025-03-03', crew)).statusCode).toBe(403);
    const stats = await api('GET', '/api/waste/stats?from=2025-03-01&to=2025-03-03', manager);
    expect(stats.statusCode).toBe(200);
    const { days } = stats.json() as { days: Array<Record<string, number | string>> };
    expect(days).toHaveLength(1);
    expect(days[0]).toMatchObject({ date: '2025-03-03', binsCollected: 1, binsSkipped: 1 });
    // The one skip was 'blocked' (the refused truck_full left its stop pending).
    expect(days[0]!.skippedByReason).toEqual({ blocked: 1, not_accessible: 0, truck_full: 0 });
    expect(days[0]!.km as number).toBeGreaterThan(0);
    expect(days[0]!.kmSaved).toBeCloseTo((days[0]!.baselineKm as number) - (days[0]!.km as number), 6);
    // The fast bins sat at 100 % for hours each evening of the history; on the planned day itself
    // (till 09:40) none was full yet.
    expect(days[0]!.overflowEvents).toBe(0);
  });

  it('a notice that cannot be delivered is a warning on the plan, not an error', async () => {
    h.clock.advance(60_000);
    // The inbox's table is gone: the other crew member's notice cannot be stored.
    await sql`alter table notifications rename to notifications_away`.execute(h.store.db);
    try {
      const res = await api('POST', '/api/waste/plan', crew);
      expect(res.statusCode).toBe(200);
      expect((res.json() as RoundView).warnings).toEqual([
        expect.stringMatching(
          /^the crews were not notified \(.*notifications.*\); they see the new route when they reload it$/,
        ),
      ]);
      // The re-plan itself is stored.
      expect((await service.round('2025-03-03')).plannedAt).toBe(h.clock.now());
    } finally {
      await sql`alter table notifications_away rename to notifications`.execute(h.store.db);
    }
  });
});
