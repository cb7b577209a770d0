import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type Backend, type Harness, loginAs, startHarness } from '../relational/harness.js';

describe.each(BACKENDS.map((make) => [make().name, make] as const))('auth and roles on %s', (_name, make) => {
  let backend: Backend;
  let h: Harness;
  let admin: { authorization: string };
  let gridA: string;
  let gridB: string;
  let householdA: string;
  let householdB: string;

  beforeAll(async () => {
    backend = make();
    h = await startHarness(backend);
    const boot = await h.module.users.ensureBootstrapAdmin('bootstrap-pass');
    expect(boot).toEqual({ username: 'admin' });
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'bootstrap-pass' },
    });
    admin = { authorization: `Bearer ${login.json().token}` };
    const { sites } = h.module;
    gridA = (await sites.createGrid('A 网格')).id;
    gridB = (await sites.createGrid('B 网格')).id;
    const bA = await sites.createBuilding({ gridId: gridA, name: 'A1' });
    const bB = await sites.createBuilding({ gridId: gridB, name: 'B1' });
    const contact = [{ name: '李四', phone: '13700000000' }];
    householdA = (
      await sites.createHousehold({
        buildingId: bA.id,
        unit: '101',
        livingAlone: true,
        emergencyContacts: contact,
      })
    ).id;
    householdB = (await sites.createHousehold({ buildingId: bB.id, unit: '201', livingAlone: true })).id;
  });
  afterAll(async () => {
    await h?.close();
    await backend?.stop();
  });

  const get = (url: string, headers?: { authorization: string }) =>
    h.app.inject({ method: 'GET', url, headers });

  it('logs in with the right password only, and the token says who you are', async () => {
    const me = await get('/api/auth/me', admin);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ username: 'admin', role: 'admin', gridId: null });

    const wrong = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'nope-nope' },
      headers: { 'accept-language': 'en' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: 'invalid_credentials', message: 'wrong username or password' });
    const unknown = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'ghost', password: 'whatever' },
    });
    // Same answer as a wrong password (no probing for usernames), in zh-CN by default.
    expect(unknown.json()).toEqual({ error: 'invalid_credentials', message: '用户名或密码错误' });
  });

  it('refuses missing, forged and expired tokens with 401', async () => {
    expect((await get('/api/grids')).statusCode).toBe(401);
    const forged = `${admin.authorization.slice(0, -4)}AAAA`;
    expect((await get('/api/grids', { authorization: forged })).json().error).toBe('unauthenticated');
    // A TTL long enough for a loaded CI machine to use the token once; then wait until just past
    // the token's own expiry (its exp claim, whole seconds).
    const expiring = await startHarness(backend, { api: { tokenTtlSeconds: 4 } });
    try {
      const token = await loginAs(expiring, 'manager');
      expect(
        (await expiring.app.inject({ method: 'GET', url: '/api/grids', headers: token })).statusCode,
      ).toBe(200);
      const payload = token.authorization.split(' ')[1]!.split('.')[1]!;
      const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { exp: number };
      await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 + 1100 - Date.now())));
      expect(
        (await expiring.app.inject({ method: 'GET', url: '/api/grids', headers: token })).statusCode,
      ).toBe(401);
    } finally {
      await expiring.close();
    }
  });

  it('a social worker of grid A sees only grid A households, and B ones answer 404', async () => {
    const worker = await loginAs(h, 'social_worker', { gridId: gridA });
    const list = await get('/api/households', worker);
    expect(list.statusCode).toBe(200);
    expect(list.json().map((x: { id: string }) => x.id)).toEqual([householdA]);
    expect(list.json()[0].emergencyContacts).toEqual([{ name: '李四', phone: '13700000000' }]);
    expect((await get(`/api/households?gridId=${gridB}`, worker)).json()).toEqual([]);
    expect((await get(`/api/households/${householdA}`, worker)).statusCode).toBe(200);
    expect((await get(`/api/households/${householdB}`, worker)).statusCode).toBe(404);
    const edit = await h.app.inject({
      method: 'PATCH',
      url: `/api/households/${householdB}`,
      headers: worker,
      payload: { livingAlone: false },
    });
    expect(edit.statusCode).toBe(404);
    const ownEdit = await h.app.inject({
      method: 'PATCH',
      url: `/api/households/${householdA}`,
      headers: worker,
      payload: { socialWorkerId: null, livingAlone: true },
    });
    expect(ownEdit.statusCode).toBe(200);
    // A manager sees both.
    const all = await get('/api/households', await loginAs(h, 'manager'));
    expect(
      all
        .json()
        .map((x: { id: string }) => x.id)
        .sort(),
    ).toEqual([householdA, householdB].sort());
  });

  it('a social worker account needs a grid', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { username: 'sw-nogrid', password: 'long enough', role: 'social_worker' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('grid_required');
  });

  it('enforces roles per route: 403 names the role', async () => {
    const sanitation = await loginAs(h, 'sanitation');
    expect((await get('/api/bins', sanitation)).statusCode).toBe(200);
    const households = await get('/api/households', sanitation);
    expect(households.statusCode).toBe(403);
    // zh-CN by default: the community's language.
    expect(households.json()).toEqual({
      error: 'forbidden',
      message: '当前角色“环卫人员”无权执行此操作（需要：安装人员、社工、管理人员）',
    });
    const inEnglish = await h.app.inject({
      method: 'GET',
      url: '/api/households',
      headers: { ...sanitation, 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(inEnglish.json()).toEqual({
      error: 'forbidden',
      message: 'role sanitation may not do this (needs installer or social_worker or manager)',
    });
    const installer = await loginAs(h, 'installer');
    const redacted = await get(`/api/households/${householdA}`, installer);
    expect(redacted.json()).toMatchObject({ unit: '101', residents: [], emergencyContacts: [] });
    const createUser = await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: installer,
      payload: { username: 'sneaky', password: 'long enough', role: 'admin' },
    });
    expect(createUser.statusCode).toBe(403);
  });

  it('a disabled account loses access at once, even with a valid token', async () => {
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { username: 'temp-mgr', password: 'long enough', role: 'manager' },
    });
    expect(created.statusCode).toBe(201);
    const token = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'temp-mgr', password: 'long enough' },
    });
    const auth = { authorization: `Bearer ${token.json().token}` };
    expect((await get('/api/grids', auth)).statusCode).toBe(200);
    const disable = await h.app.inject({
      method: 'PATCH',
      url: `/api/users/${created.json().id}`,
      headers: admin,
      payload: { disabled: true },
    });
    expect(disable.json().disabled).toBe(true);
    expect((await get('/api/grids', auth)).statusCode).toBe(401);
  });

  it('creates the bootstrap admin only on first start', async () => {
    expect(await h.module.users.ensureBootstrapAdmin('other')).toBeUndefined();
    const fresh = await startHarness(backend);
    try {
      const generated = await fresh.module.users.ensureBootstrapAdmin();
      expect(generated?.username).toBe('admin');
      expect(generated?.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      const login = await fresh.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: generated?.password },
      });
      expect(login.statusCode).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});

describe('rate limits', () => {
  it('limits login attempts per IP', async () => {
    const backend = BACKENDS[0]!();
    const h = await startHarness(backend, { api: { loginRateLimit: 3 } });
    try {
      const attempt = () =>
        h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x', password: 'y' } });
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await attempt()).statusCode);
      expect(codes).toEqual([401, 401, 401, 429]);
      // Other routes are not limited by it.
      expect((await h.app.inject({ method: 'GET', url: '/api/grids' })).statusCode).toBe(401);
    } finally {
      await h.close();
      await backend.stop();
    }
  });
});
