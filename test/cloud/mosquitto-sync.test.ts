import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../cloud/src/config.js';
import { type RunningCloud, startCloud } from '../../cloud/src/server.js';
import { type TelemetryBatch, topics } from '../../protocols/src/index.js';
import { type MosquittoHandle, startMosquitto } from '../helpers/mosquitto.js';
import { getReadings, quietLogger, waitFor } from '../support/pipeline.js';

describe('external Mosquitto kept in step with the credential registry', () => {
  let dir: string;
  let broker: MosquittoHandle;
  let cloud: RunningCloud;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-mosq-sync-'));
    // Starts with one throwaway user, so anonymous clients are refused from the start.
    broker = await startMosquitto({ passwords: { placeholder: 'placeholder' }, acl: '' });
    const pid = execFileSync('pgrep', ['-f', join(broker.dir, 'mosquitto.conf')], { encoding: 'utf8' })
      .trim()
      .split('\n')[0]!;
    const pidFile = join(dir, 'mosquitto.pid');
    writeFileSync(pidFile, pid);
    cloud = await startCloud(
      loadCloudConfig({
        PORT: '0',
        DATA_DIR: join(dir, 'cloud'),
        MQTT_URL: broker.url,
        MQTT_CLIENT_ID: 'cloud-sync-test',
        MQTT_USERNAME: 'linli-cloud',
        MQTT_PASSWORD: 'internal-secret',
        MOSQUITTO_PASSWORD_FILE: join(broker.dir, 'passwd'),
        MOSQUITTO_ACL_FILE: join(broker.dir, 'acl'),
        MOSQUITTO_PID_FILE: pidFile,
        LINLI_ADMIN_PASSWORD: 'admin-password-123',
      }),
      quietLogger(),
    );
    const login = await cloud.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'admin-password-123' },
    });
    token = (login.json() as { token: string }).token;
  });
  afterAll(async () => {
    await cloud?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const api = (method: 'POST' | 'GET', url: string, payload?: object) =>
    cloud.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  it('a gateway provisioned through the API can use Mosquitto at once, only under its own topics', async () => {
    expect(readFileSync(join(broker.dir, 'passwd'), 'utf8')).toMatch(/^linli-cloud:\$7\$/m);
    await api('POST', '/api/gateways', { id: 'gw-sync', name: 'gw-sync' });
    const { code } = (await api('POST', '/api/gateways/gw-sync/provisioning-codes')).json() as {
      code: string;
    };
    const claimed = await cloud.app.inject({ method: 'POST', url: '/api/provision', payload: { code } });
    expect(claimed.statusCode).toBe(200);
    const { mqtt: creds } = claimed.json() as { mqtt: { username: string; password: string } };
    expect(readFileSync(join(broker.dir, 'acl'), 'utf8')).toContain(
      `topic write ${topics.telemetry('gw-sync')}`,
    );

    const gateway = await waitFor(
      () =>
        mqtt
          .connectAsync(broker.url, {
            clientId: 'gw-sync-1',
            username: creds.username,
            password: creds.password,
            reconnectPeriod: 0,
          })
          .catch(() => undefined),
      5_000,
      'Mosquitto to accept the new credentials',
    );
    const batch: TelemetryBatch = {
      v: 1,
      gatewayId: 'gw-sync',
      seq: 1,
      sentAt: 1,
      readings: [
        { seq: 1, device: 'sync-meter', ts: 1_700_000_000_000, quality: 'good', values: { total_litres: 3 } },
      ],
    };
    await gateway.publishAsync(topics.telemetry('gw-sync'), JSON.stringify(batch), { qos: 1 });
    await waitFor(
      async () => (await getReadings(cloud, 'sync-meter')).length === 1,
      10_000,
      'the reading via Mosquitto',
    );
    // Mosquitto's ACL silently drops a publish outside the gateway's topics: nothing arrives.
    await gateway.publishAsync(
      topics.telemetry('gw-other'),
      JSON.stringify({ ...batch, gatewayId: 'gw-other' }),
      { qos: 1 },
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await getReadings(cloud, 'sync-meter')).toHaveLength(1);
    await gateway.endAsync();

    // Revoked credentials stop working after the files are rewritten.
    expect((await api('POST', '/api/gateways/gw-sync/credentials/revoke')).statusCode).toBe(200);
    await waitFor(
      async () =>
        mqtt
          .connectAsync(broker.url, {
            clientId: 'gw-sync-2',
            username: creds.username,
            password: creds.password,
            reconnectPeriod: 0,
          })
          .then((c) => c.endAsync().then(() => false))
          .catch(() => true),
      5_000,
      'Mosquitto to refuse the revoked credentials',
    );
  });
});
