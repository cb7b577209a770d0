import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../../cloud/src/config.js';
import { type RunningCloud, startCloud } from '../../../cloud/src/server.js';
import { type PostgresHandle, startPostgres } from '../../helpers/postgres.js';
import { quietLogger } from '../../support/pipeline.js';

/** The registry mounted in the real composition root (startCloud), on SQLite and on PostgreSQL. */
describe.each(['sqlite', 'postgres'] as const)('cloud service with the registry on %s', (dialect) => {
  let dir: string;
  let cloud: RunningCloud;
  let postgres: PostgresHandle | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-registry-'));
    let databaseUrl: string | undefined;
    if (dialect === 'postgres') {
      postgres = await startPostgres();
      databaseUrl = await postgres.createDatabase('linli_cloud');
    }
    cloud = await startCloud(
      loadCloudConfig({
        PORT: '0',
        MQTT_PORT: '0',
        DATA_DIR: dir,
        LINLI_ADMIN_PASSWORD: 'first-start-pass',
        ...(databaseUrl && { DATABASE_URL: databaseUrl }),
      }),
      quietLogger(),
    );
  });
  afterAll(async () => {
    await cloud?.stop();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('bootstraps the admin from LINLI_ADMIN_PASSWORD and reports the store in /health', async () => {
    expect(cloud.registry.store.dialect).toBe(dialect);
    const health = await cloud.app.inject({ method: 'GET', url: '/health' });
    expect(health.json()).toMatchObject({ status: 'ok', relational: { name: dialect, ok: true } });
    const login = await cloud.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'first-start-pass' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ tokenType: 'Bearer', expiresIn: 28800, user: { role: 'admin' } });
    // The service hashes passwords at the production scrypt cost (tests elsewhere use a cheap one).
    const row = await cloud.registry.store.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain('first-start-pass');
  });

  it('hands out the broker URL the cloud runs when provisioning (no LINLI_PUBLIC_MQTT_URL)', async () => {
    const login = await cloud.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'first-start-pass' },
    });
    const headers = { authorization: `Bearer ${login.json().token}` };
    await cloud.app.inject({
      method: 'POST',
      url: '/api/gateways',
      headers,
      payload: { id: 'gw-int', name: 'int' },
    });
    const code = await cloud.app.inject({
      method: 'POST',
      url: '/api/gateways/gw-int/provisioning-codes',
      headers,
    });
    const claim = await cloud.app.inject({
      method: 'POST',
      url: '/api/provision',
      payload: { code: code.json().code },
    });
    expect(claim.json().mqtt).toMatchObject({ url: cloud.mqttUrl, username: 'gw-int' });
    expect(
      await cloud.registry.module.gatewayAuth.authenticate('gw-int', claim.json().mqtt.password),
    ).toEqual({
      gatewayId: 'gw-int',
    });
  });

  it('serves the OpenAPI document with the TypeBox schemas, and the UI at /docs', async () => {
    const doc = await cloud.app.inject({ method: 'GET', url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    const spec = doc.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/login',
        '/api/households',
        '/api/gateways/{id}/provisioning-codes',
        '/api/provision',
        '/api/devices/{id}/readings',
      ]),
    );
    expect(spec.paths['/api/households'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ui = await cloud.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  it('leaves the existing ingest routes open (no token needed yet)', async () => {
    expect((await cloud.app.inject({ method: 'GET', url: '/api/devices/wm-001/readings' })).statusCode).toBe(
      200,
    );
    expect((await cloud.app.inject({ method: 'GET', url: '/api/dead-letters' })).statusCode).toBe(200);
    expect((await cloud.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect((await cloud.app.inject({ method: 'GET', url: '/api/grids' })).statusCode).toBe(401);
  });
});
