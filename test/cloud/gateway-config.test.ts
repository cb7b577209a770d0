import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline, waitFor } from '../support/pipeline.js';

const GW = 'gw-config-api';

describe('remote config through the API: PUT /api/gateways/:id/config', () => {
  let p: Pipeline;
  let token: string;
  beforeAll(async () => {
    p = await startPipeline({
      meters: 2,
      gatewayId: GW,
      env: { LINLI_ADMIN_PASSWORD: 'admin-password-123' },
    });
    const login = await p.cloud.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'admin-password-123' },
    });
    token = (login.json() as { token: string }).token;
  });
  afterAll(async () => {
    await p?.stop();
  });

  const put = (gatewayId: string, config: unknown, auth = true) =>
    p.cloud.app.inject({
      method: 'PUT',
      url: `/api/gateways/${gatewayId}/config`,
      headers: auth ? { authorization: `Bearer ${token}` } : {},
      payload: { config },
    });
  const body = (interval: number) => ({
    buses: [{ id: 'sim', type: 'tcp', host: '127.0.0.1', port: p.sim.port, timeoutMs: 300 }],
    devices: [{ id: 'wm-001', bus: 'sim', unitId: 1, profile: 'linli-wm-100', pollIntervalMs: interval }],
  });

  it('publishes a config the gateway applies, and shows its answer', async () => {
    const res = await put(GW, body(700));
    expect(res.statusCode).toBe(202);
    const { version } = res.json() as { version: string };
    const state = await waitFor(
      async () => {
        const s = (
          await p.cloud.app.inject({
            method: 'GET',
            url: `/api/gateways/${GW}/config`,
            headers: { authorization: `Bearer ${token}` },
          })
        ).json() as {
          published?: { version: string };
          result?: { version: string; status: string };
        };
        return s.result?.version === version ? s : undefined;
      },
      15_000,
      'the gateway to answer',
    );
    expect(state.published?.version).toBe(version);
    expect(state.result?.status).toBe('applied');
    expect(p.edge.pollers).toHaveLength(1);
    expect(p.edge.config.devices[0]!.pollIntervalMs).toBe(700);
  });

  it('refuses without a token, for an unknown gateway, and a config for another gateway', async () => {
    expect((await put(GW, body(700), false)).statusCode).toBe(401);
    expect((await put('gw-nope', body(700))).statusCode).toBe(404);
    const mismatch = await put(GW, { ...body(700), gateway: { id: 'gw-other' } });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json()).toMatchObject({ error: 'gateway_mismatch' });
  });
});
