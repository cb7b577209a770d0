import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type Backend, type Harness, loginAs, startHarness } from '../relational/harness.js';

describe.each(BACKENDS.map((make) => [make().name, make] as const))('registry API on %s', (_name, make) => {
  let backend: Backend;
  let h: Harness;
  let manager: { authorization: string };
  let installer: { authorization: string };
  beforeAll(async () => {
    backend = make();
    h = await startHarness(backend);
    manager = await loginAs(h, 'manager');
    installer = await loginAs(h, 'installer');
  });
  afterAll(async () => {
    await h?.close();
    await backend?.stop();
  });

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    headers: object,
    payload?: object,
  ) => h.app.inject({ method, url, headers: headers as Record<string, string>, payload });

  it('creates grid → building → household and reads them back with real values', async () => {
    const grid = await call('POST', '/api/grids', manager, { name: '东湖一网格' });
    expect(grid.statusCode).toBe(201);
    expect(grid.json()).toEqual({ id: expect.any(String), name: '东湖一网格', createdAt: h.clock.now() });
    const gridId = grid.json().id;

    const building = await call('POST', '/api/buildings', manager, {
      gridId,
      name: '3栋',
      address: '东湖路 8 号',
    });
    expect(building.statusCode).toBe(201);
    const buildingId = building.json().id;

    const household = await call('POST', '/api/households', manager, {
      buildingId,
      unit: '3-502',
      livingAlone: true,
      residents: [{ name: '王奶奶', birthYear: 1941, phone: '13800000000' }],
      emergencyContacts: [{ name: '王小明', phone: '13900000000', relation: 'son' }],
    });
    expect(household.statusCode).toBe(201);
    expect(household.json()).toMatchObject({
      buildingId,
      gridId,
      unit: '3-502',
      livingAlone: true,
      residents: [{ name: '王奶奶', birthYear: 1941, phone: '13800000000' }],
      emergencyContacts: [{ name: '王小明', phone: '13900000000', relation: 'son' }],
      socialWorkerId: null,
    });

    h.clock.advance(1000);
    const patched = await call('PATCH', `/api/households/${household.json().id}`, manager, {
      livingAlone: false,
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().livingAlone).toBe(false);
    expect(patched.json().updatedAt).toBe(household.json().updatedAt + 1000);

    const list = await call('GET', `/api/households?gridId=${gridId}`, manager);
    expect(list.json().map((x: { unit: string }) => x.unit)).toEqual(['3-502']);
  });

  it('refuses bad input with clear errors: unknown reference 400, duplicate 409, in use 409, missing 404', async () => {
    const missingGrid = await call('POST', '/api/buildings', manager, { gridId: 'nope', name: 'X' });
    expect(missingGrid.statusCode).toBe(400);
    // zh-CN by default; only the references the request named are listed.
    expect(missingGrid.json()).toEqual({
      error: 'unknown_reference',
      message: '引用的对象不存在：网格 nope',
      details: { refs: [{ what: 'grid', id: 'nope' }] },
    });
    const inEnglish = await call(
      'POST',
      '/api/buildings',
      { ...manager, 'accept-language': 'en' },
      {
        gridId: 'nope',
        name: 'X',
      },
    );
    expect(inEnglish.json().message).toBe('no grid nope');

    const dup = await call('POST', '/api/grids', manager, { name: '东湖一网格' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ error: 'duplicate', message: '网格 东湖一网格 已存在' });

    const gridId = (await call('GET', '/api/grids', manager)).json()[0].id;
    const inUse = await call('DELETE', `/api/grids/${gridId}`, { ...manager, 'accept-language': 'en' });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json()).toEqual({
      error: 'in_use',
      message: `grid ${gridId} still has buildings, gateways, bins, staff; move or delete them first`,
    });

    const missing = await call('GET', '/api/buildings/nope', manager);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'not_found', message: '楼栋 nope 不存在' });

    const invalid = await call('POST', '/api/bins', manager, { name: 'b', lat: 91, lon: 0 });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ error: 'invalid_field', details: { field: 'lat' } });

    // Fastify's Ajv drops unknown properties (removeAdditional) rather than refusing them.
    const extra = await call('POST', '/api/grids', manager, { name: 'x', colour: 'red' });
    expect(extra.statusCode).toBe(201);
    expect(extra.json()).not.toHaveProperty('colour');
  });

  it('lets the installer register a gateway and devices; bins keep their coordinates', async () => {
    const gw = await call('POST', '/api/gateways', installer, { id: 'gw-east-1', name: '东湖 3栋 网关' });
    expect(gw.statusCode).toBe(201);
    expect(gw.json()).toMatchObject({ id: 'gw-east-1', status: 'pending', provisionedAt: null });

    const badId = await call('POST', '/api/gateways', installer, { id: 'gw/evil/#', name: 'x' });
    expect(badId.statusCode).toBe(400);

    const device = await call('POST', '/api/devices', installer, {
      id: 'wm-101',
      gatewayId: 'gw-east-1',
      profile: 'linli-wm-100',
      unitId: 1,
      bus: 'rtu-1',
      location: '3栋 水表间',
    });
    expect(device.statusCode).toBe(201);
    expect(device.json()).toMatchObject({
      id: 'wm-101',
      gatewayId: 'gw-east-1',
      unitId: 1,
      status: 'assigned',
    });

    const bin = await call('POST', '/api/bins', installer, {
      name: '东门 厨余',
      lat: 30.5123,
      lon: 114.3012,
      capacityLiters: 240,
    });
    expect(bin.statusCode).toBe(201);
    const got = await call('GET', `/api/bins/${bin.json().id}`, installer);
    expect(got.json()).toMatchObject({ lat: 30.5123, lon: 114.3012, capacityLiters: 240, pointId: null });
    // The collection point it stands at: named, cleared; a name over 64 characters is refused.
    const atPoint = await call('PATCH', `/api/bins/${bin.json().id}`, installer, { pointId: '东门 投放点' });
    expect(atPoint.statusCode).toBe(200);
    expect(atPoint.json()).toMatchObject({ pointId: '东门 投放点', capacityLiters: 240 });
    const cleared = await call('PATCH', `/api/bins/${bin.json().id}`, installer, { pointId: null });
    expect(cleared.json()).toMatchObject({ pointId: null });
    const tooLong = await call('PATCH', `/api/bins/${bin.json().id}`, installer, { pointId: 'p'.repeat(65) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()).toMatchObject({ error: 'invalid_field', details: { field: 'pointId' } });

    const gone = await call('DELETE', '/api/devices/wm-101', installer);
    expect(gone.statusCode).toBe(204);
    expect((await call('GET', '/api/devices/wm-101', installer)).statusCode).toBe(404);
  });

  it('flags devices first seen in data as unassigned, and knows which gateway owns a device', async () => {
    const { registry } = h.module;
    await call('POST', '/api/gateways', installer, { id: 'gw-a', name: 'A' });
    await call('POST', '/api/gateways', installer, { id: 'gw-b', name: 'B' });

    expect(await registry.recordSeenDevice('gw-a', 'door-7')).toBe('new');
    expect(await registry.recordSeenDevice('gw-a', 'door-7')).toBe('known');
    expect(await registry.recordSeenDevice('gw-b', 'door-7')).toBe('foreign');
    expect(await registry.deviceOwner('door-7')).toBe('gw-a');
    expect(await registry.deviceOwner('never-seen')).toBeUndefined();

    const unassigned = await call('GET', '/api/devices?status=unassigned', installer);
    expect(unassigned.json()).toEqual([
      expect.objectContaining({
        id: 'door-7',
        gatewayId: 'gw-a',
        status: 'unassigned',
        firstSeenAt: h.clock.now(),
      }),
    ]);

    // The installer places it: it leaves the unassigned list.
    const placed = await call('PATCH', '/api/devices/door-7', installer, {
      location: '3-502 入户门',
      profile: 'linli-door-1',
    });
    expect(placed.json().status).toBe('assigned');
    expect((await call('GET', '/api/devices?status=unassigned', installer)).json()).toEqual([]);

    // Moving it to gateway B through the API changes the owner at once (cache invalidated).
    await call('PATCH', '/api/devices/door-7', installer, { gatewayId: 'gw-b' });
    expect(await registry.deviceOwner('door-7')).toBe('gw-b');
    expect(await registry.recordSeenDevice('gw-a', 'door-7')).toBe('foreign');
  });

  it('registers an unknown gateway seen in data as discovered, and throttles last-seen writes', async () => {
    const { registry } = h.module;
    expect(await registry.recordSeenDevice('gw-unregistered', 'env-1')).toBe('new');
    const gw = await call('GET', '/api/gateways/gw-unregistered', installer);
    expect(gw.json()).toMatchObject({ id: 'gw-unregistered', status: 'discovered' });

    const first = h.clock.now();
    h.clock.advance(10_000);
    await registry.recordSeenDevice('gw-unregistered', 'env-1');
    expect((await call('GET', '/api/devices/env-1', installer)).json().lastSeenAt).toBe(first);
    h.clock.advance(60_000);
    await registry.recordSeenDevice('gw-unregistered', 'env-1');
    expect((await call('GET', '/api/devices/env-1', installer)).json().lastSeenAt).toBe(first + 70_000);
  });
});
