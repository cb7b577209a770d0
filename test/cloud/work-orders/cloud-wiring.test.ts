import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../../cloud/src/config.js';
import { type RunningCloud, startCloud } from '../../../cloud/src/server.js';
import { quietLogger } from '../../support/pipeline.js';

/** The governance modules in the real composition root: mounted, documented, seeded, scheduled. */
describe('cloud service with the governance modules', () => {
  let dir: string;
  let cloud: RunningCloud;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-governance-'));
    cloud = await startCloud(
      loadCloudConfig({ PORT: '0', MQTT_PORT: '0', DATA_DIR: dir, LINLI_ADMIN_PASSWORD: 'first-start-pass' }),
      quietLogger(),
    );
  });
  afterAll(async () => {
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('documents every governance route in the OpenAPI UI', async () => {
    const spec = (await cloud.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const paths = Object.keys(spec.paths);
    for (const path of [
      '/api/work-orders',
      '/api/work-orders/{id}',
      '/api/work-orders/{id}/dispatch',
      '/api/work-orders/{id}/rate',
      '/api/work-orders/{id}/photos',
      '/api/public/suggestions-landed',
      '/api/sla/policies/{category}',
      '/api/sla/report',
      '/api/work-teams',
      '/api/points/rules/{code}',
      '/api/points/redemptions',
      '/api/points/leaderboard',
      '/api/points/ledger',
      '/api/notifications',
    ]) {
      expect(paths, path).toContain(path);
    }
    const create = spec.paths['/api/work-orders'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual([
      'title',
      'description',
      'location',
      'category',
    ]);
    expect(create.security).toEqual([{ bearerAuth: [] }]);
    const photo = spec.paths['/api/work-orders/{id}/photos'].post;
    expect(Object.keys(photo.requestBody.content)).toEqual(['image/jpeg', 'image/png', 'image/webp']);
  });

  it('seeds the points rules and catalogue, and a resident created by the admin can report', async () => {
    const login = async (username: string, password: string) =>
      (
        await cloud.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })
      ).json().token as string;
    const admin = { authorization: `Bearer ${await login('admin', 'first-start-pass')}` };
    const created = await cloud.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { username: 'wang-ayi', password: 'resident-pass', role: 'resident', displayName: '王阿姨' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const resident = { authorization: `Bearer ${await login('wang-ayi', 'resident-pass')}` };
    const rules = await cloud.app.inject({ method: 'GET', url: '/api/points/rules', headers: resident });
    expect(rules.json().map((r: { code: string; points: number }) => [r.code, r.points])).toEqual([
      ['accepted_suggestion', 50],
      ['council_meeting', 20],
      ['dispute_mediation', 20],
      ['valid_report', 5],
      ['volunteer_service', 30],
      ['waste_sorting', 10],
    ]);
    const catalogue = await cloud.app.inject({
      method: 'GET',
      url: '/api/points/catalogue',
      headers: resident,
    });
    expect(catalogue.json().map((i: { cost: number }) => i.cost)).toEqual([100, 200, 500, 1000]);
    const order = await cloud.app.inject({
      method: 'POST',
      url: '/api/work-orders',
      headers: resident,
      payload: {
        title: '垃圾桶满溢',
        description: '东门垃圾桶满了',
        location: '东门',
        category: 'bin_overflow',
      },
    });
    expect(order.statusCode).toBe(201);
    expect(order.json()).toMatchObject({ source: 'resident', status: 'reported' });
    const escalation = await cloud.governance.sla.escalate(Date.now() + 5 * 3600_000);
    expect(escalation.toLead).toEqual([order.json().id]);
  });
});
