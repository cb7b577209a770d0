import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type Backend, type Harness, loginAs, startHarness } from '../relational/harness.js';

const DAY = 24 * 3600 * 1000;

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'gateway provisioning on %s',
  (_name, make) => {
    let backend: Backend;
    let h: Harness;
    let installer: { authorization: string };

    beforeAll(async () => {
      backend = make();
      h = await startHarness(backend, {
        module: {
          mqttUrl: 'mqtts://mqtt.linli.example:8883',
          internalMqtt: { username: 'linli-cloud', password: 'internal-secret' },
        },
      });
      installer = await loginAs(h, 'installer');
    });
    afterAll(async () => {
      await h?.close();
      await backend?.stop();
    });

    const post = (url: string, payload?: object, headers?: object) =>
      h.app.inject({ method: 'POST', url, payload, headers: headers as Record<string, string> | undefined });

    async function newGatewayWithCode(id: string) {
      expect((await post('/api/gateways', { id, name: id }, installer)).statusCode).toBe(201);
      const res = await post(`/api/gateways/${id}/provisioning-codes`, undefined, installer);
      expect(res.statusCode).toBe(201);
      return res.json() as { gatewayId: string; code: string; expiresAt: number };
    }

    it('installer gets a one-time code; the edge trades it for credentials exactly once', async () => {
      const issued = await newGatewayWithCode('gw-prov-1');
      expect(issued.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
      expect(issued.expiresAt).toBe(h.clock.now() + DAY);

      // Typed in lower case without dashes, as someone at a console might.
      const claim = await post('/api/provision', { code: issued.code.toLowerCase().replaceAll('-', '') });
      expect(claim.statusCode).toBe(200);
      const body = claim.json();
      expect(body).toEqual({
        gatewayId: 'gw-prov-1',
        mqtt: { url: 'mqtts://mqtt.linli.example:8883', username: 'gw-prov-1', password: expect.any(String) },
      });
      expect(body.mqtt.password.length).toBeGreaterThanOrEqual(43);

      const again = await post('/api/provision', { code: issued.code });
      expect(again.statusCode).toBe(410);
      expect(again.json()).toEqual({
        error: 'code_used',
        message: '该配网码已被使用',
      });

      const gw = await h.app.inject({ method: 'GET', url: '/api/gateways/gw-prov-1', headers: installer });
      expect(gw.json()).toMatchObject({ status: 'provisioned', provisionedAt: h.clock.now() });

      // The credentials authenticate on the MQTT side; a wrong password or another name does not.
      const auth = h.module.gatewayAuth;
      expect(await auth.authenticate('gw-prov-1', body.mqtt.password)).toEqual({ gatewayId: 'gw-prov-1' });
      expect(await auth.authenticate('gw-prov-1', `${body.mqtt.password}x`)).toBeUndefined();
      expect(await auth.authenticate('gw-other', body.mqtt.password)).toBeUndefined();

      // Nothing secret is stored in clear.
      const rows = await h.store.db
        .selectFrom('gateway_credentials')
        .selectAll()
        .where('gateway_id', '=', 'gw-prov-1')
        .execute();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(body.mqtt.password);
      expect(rows[0]?.secret_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
      expect(rows[0]?.mosquitto_hash).toMatch(/^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
      const codes = await h.store.db.selectFrom('provisioning_codes').select('code_hash').execute();
      expect(JSON.stringify(codes)).not.toContain(issued.code);
    });

    it('refuses an expired code and an unknown code, each with its reason', async () => {
      const issued = await newGatewayWithCode('gw-prov-2');
      h.clock.advance(DAY);
      const expired = await post('/api/provision', { code: issued.code });
      expect(expired.statusCode).toBe(410);
      expect(expired.json().error).toBe('code_expired');
      const unknown = await post('/api/provision', { code: 'AAAA-BBBB-CCCC-DDDD' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error).toBe('code_unknown');
      expect(
        (await h.app.inject({ method: 'GET', url: '/api/gateways/gw-prov-2', headers: installer })).json()
          .status,
      ).toBe('pending');
    });

    it('two concurrent claims of one code: exactly one wins', async () => {
      const issued = await newGatewayWithCode('gw-prov-3');
      const results = await Promise.all([1, 2, 3].map(() => post('/api/provision', { code: issued.code })));
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 410, 410]);
      const live = await h.store.db
        .selectFrom('gateway_credentials')
        .select('id')
        .where('gateway_id', '=', 'gw-prov-3')
        .where('revoked_at', 'is', null)
        .execute();
      expect(live).toHaveLength(1);
    });

    it('rotation: the new password works, the old one is refused at once', async () => {
      const issued = await newGatewayWithCode('gw-prov-4');
      const first = (await post('/api/provision', { code: issued.code })).json().mqtt.password as string;
      const rotated = await post('/api/gateways/gw-prov-4/credentials/rotate', undefined, installer);
      expect(rotated.statusCode).toBe(200);
      const second = rotated.json().mqtt.password as string;
      expect(second).not.toBe(first);
      expect(await h.module.gatewayAuth.authenticate('gw-prov-4', second)).toEqual({
        gatewayId: 'gw-prov-4',
      });
      expect(await h.module.gatewayAuth.authenticate('gw-prov-4', first)).toBeUndefined();
      const history = await h.app.inject({
        method: 'GET',
        url: '/api/gateways/gw-prov-4/credentials',
        headers: installer,
      });
      expect(
        history
          .json()
          .map((c: { revokedAt: number | null }) => c.revokedAt === null)
          .sort(),
      ).toEqual([false, true]);
    });

    it('revocation: the gateway can no longer authenticate and must be provisioned again', async () => {
      const issued = await newGatewayWithCode('gw-prov-5');
      const password = (await post('/api/provision', { code: issued.code })).json().mqtt.password as string;
      const revoked = await post('/api/gateways/gw-prov-5/credentials/revoke', undefined, installer);
      expect(revoked.json()).toEqual({ gatewayId: 'gw-prov-5', revoked: 1 });
      expect(await h.module.gatewayAuth.authenticate('gw-prov-5', password)).toBeUndefined();
      expect(
        (await h.app.inject({ method: 'GET', url: '/api/gateways/gw-prov-5', headers: installer })).json()
          .status,
      ).toBe('pending');
      const fresh = await post('/api/gateways/gw-prov-5/provisioning-codes', undefined, installer);
      const reclaimed = await post('/api/provision', { code: fresh.json().code });
      expect(await h.module.gatewayAuth.authenticate('gw-prov-5', reclaimed.json().mqtt.password)).toEqual({
        gatewayId: 'gw-prov-5',
      });
    });

    it('the internal credential authenticates as internal, and only with its password', async () => {
      expect(await h.module.gatewayAuth.authenticate('linli-cloud', 'internal-secret')).toEqual({
        internal: true,
      });
      expect(await h.module.gatewayAuth.authenticate('linli-cloud', 'internal-secreT')).toBeUndefined();
    });

    it('only installers and managers handle codes; unknown gateways are 404', async () => {
      const sanitation = await loginAs(h, 'sanitation');
      expect(
        (await post('/api/gateways/gw-prov-1/provisioning-codes', undefined, sanitation)).statusCode,
      ).toBe(403);
      expect((await post('/api/gateways/gw-prov-1/provisioning-codes')).statusCode).toBe(401);
      const missing = await post('/api/gateways/gw-nope/provisioning-codes', undefined, installer);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().message).toBe('网关 gw-nope 不存在');
    });
  },
);

describe('provision rate limit', () => {
  it('limits code guesses per IP', async () => {
    const backend = BACKENDS[0]!();
    const h = await startHarness(backend, { api: { provisionRateLimit: 2 } });
    try {
      const codes = [];
      for (let i = 0; i < 3; i++) {
        codes.push(
          (await h.app.inject({ method: 'POST', url: '/api/provision', payload: { code: 'AAAA-BBBB' } }))
            .statusCode,
        );
      }
      expect(codes).toEqual([404, 404, 429]);
    } finally {
      await h.close();
      await backend.stop();
    }
  });
});
