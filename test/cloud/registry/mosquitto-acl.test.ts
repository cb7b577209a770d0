import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateMosquittoFiles,
  renderMosquittoFiles,
} from '../../../cloud/src/modules/provisioning/mosquitto-files.js';
import { type MosquittoHandle, startMosquitto } from '../../helpers/mosquitto.js';
import { type Backend, type Harness, loginAs, sqliteBackend, startHarness } from '../relational/harness.js';

const INTERNAL = { username: 'linli-cloud', password: 'internal-secret-0123456789' };
const settle = () => new Promise((r) => setTimeout(r, 300));

/**
 * Mosquitto files generated from the credential registry, checked by a real Mosquitto: each
 * gateway may publish only its own telemetry/status/stats/results, and read only its own config
 * and commands. The helper writes its own files; we overwrite them with ours and restart.
 */
describe('generated Mosquitto password and ACL files (real Mosquitto)', () => {
  let backend: Backend;
  let h: Harness;
  let broker: MosquittoHandle;
  const passwords: Record<string, string> = {};
  const clients: mqtt.MqttClient[] = [];

  async function provision(id: string) {
    const installer = await loginAs(h, 'installer');
    await h.app.inject({
      method: 'POST',
      url: '/api/gateways',
      headers: installer,
      payload: { id, name: id },
    });
    const code = await h.app.inject({
      method: 'POST',
      url: `/api/gateways/${id}/provisioning-codes`,
      headers: installer,
    });
    const claim = await h.app.inject({
      method: 'POST',
      url: '/api/provision',
      payload: { code: code.json().code },
    });
    passwords[id] = claim.json().mqtt.password;
  }

  async function regenerate() {
    const result = await generateMosquittoFiles({
      entries: await h.module.provisioning.brokerEntries(),
      internal: INTERNAL,
      passwordFile: join(broker.dir, 'passwd'),
      aclFile: join(broker.dir, 'acl'),
    });
    await broker.restart();
    return result;
  }

  const connect = async (username: string, password: string) => {
    const client = await mqtt.connectAsync(broker.url, {
      username,
      password,
      reconnectPeriod: 0,
      connectTimeout: 3000,
      protocolVersion: 5, // v5 reports refused publishes in the PUBACK (reason 135)
    });
    clients.push(client);
    return client;
  };

  const collect = (client: mqtt.MqttClient) => {
    const seen: string[] = [];
    client.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    return seen;
  };

  beforeAll(async () => {
    backend = sqliteBackend();
    h = await startHarness(backend);
    await provision('gw-a');
    await provision('gw-b');
    broker = await startMosquitto({ passwords: { placeholder: 'placeholder' }, acl: '' });
    expect(await regenerate()).toEqual({ users: 3 });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    await broker?.stop();
    await h?.close();
    await backend?.stop();
  });

  it('renders one user block per gateway with its topics spelled out', async () => {
    const { passwd, acl } = await renderMosquittoFiles({
      entries: await h.module.provisioning.brokerEntries(),
    });
    expect(
      passwd
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(':')[0]),
    ).toEqual(['gw-a', 'gw-b']);
    expect(acl).toContain(
      [
        'user gw-a',
        'topic write linli/v1/gw-a/telemetry',
        'topic write linli/v1/gw-a/status',
        'topic write linli/v1/gw-a/stats',
        'topic write linli/v1/gw-a/config/result',
        'topic write linli/v1/gw-a/cmd/+/result',
        'topic read linli/v1/gw-a/config',
        'topic read linli/v1/gw-a/cmd/+',
      ].join('\n'),
    );
  });

  it('accepts provisioned passwords and refuses wrong ones', async () => {
    await connect('gw-a', passwords['gw-a']!);
    await expect(connect('gw-a', passwords['gw-b']!)).rejects.toThrow(
      /Bad User Name or Password|Not authorized/i,
    );
    await expect(connect('gw-c', 'anything')).rejects.toThrow(/Bad User Name or Password|Not authorized/i);
  });

  it('gateway A cannot publish under B, nor publish its own config; its own telemetry goes through', async () => {
    const cloud = await connect(INTERNAL.username, INTERNAL.password);
    const seen = collect(cloud);
    await cloud.subscribeAsync('linli/v1/#', { qos: 1 });
    const a = await connect('gw-a', passwords['gw-a']!);

    await a.publishAsync('linli/v1/gw-a/telemetry', 'mine', { qos: 1 });
    await expect(a.publishAsync('linli/v1/gw-b/telemetry', 'spoofed', { qos: 1 })).rejects.toThrow();
    await expect(a.publishAsync('linli/v1/gw-a/config', 'self-config', { qos: 1 })).rejects.toThrow();
    await expect(a.publishAsync('linli/v1/gw-b/cmd/reboot', 'x', { qos: 1 })).rejects.toThrow();
    await a.publishAsync('linli/v1/gw-a/cmd/reboot/result', 'done', { qos: 1 });
    await settle();
    expect(seen.sort()).toEqual(['linli/v1/gw-a/cmd/reboot/result done', 'linli/v1/gw-a/telemetry mine']);
  });

  it("gateway A reads its own config and commands, never B's", async () => {
    const cloud = await connect(INTERNAL.username, INTERNAL.password);
    await cloud.publishAsync('linli/v1/gw-a/config', 'config-for-a', { qos: 1, retain: true });
    await cloud.publishAsync('linli/v1/gw-b/config', 'config-for-b', { qos: 1, retain: true });

    const a = await connect('gw-a', passwords['gw-a']!);
    const seen = collect(a);
    await a.subscribeAsync(['linli/v1/gw-a/config', 'linli/v1/gw-a/cmd/+'], { qos: 1 });
    await a.subscribeAsync(['linli/v1/gw-b/config', 'linli/v1/gw-b/cmd/+', 'linli/v1/+/config'], { qos: 1 });
    await cloud.publishAsync('linli/v1/gw-a/cmd/reboot', 'cmd-for-a', { qos: 1 });
    await cloud.publishAsync('linli/v1/gw-b/cmd/reboot', 'cmd-for-b', { qos: 1 });
    await settle();
    expect([...new Set(seen)].sort()).toEqual([
      'linli/v1/gw-a/cmd/reboot cmd-for-a',
      'linli/v1/gw-a/config config-for-a',
    ]);
  });

  it('after rotation and regeneration the old password is refused, the new one accepted', async () => {
    const manager = await loginAs(h, 'manager');
    const rotated = await h.app.inject({
      method: 'POST',
      url: '/api/gateways/gw-b/credentials/rotate',
      headers: manager,
    });
    const fresh = rotated.json().mqtt.password as string;
    await regenerate();
    await expect(connect('gw-b', passwords['gw-b']!)).rejects.toThrow(
      /Bad User Name or Password|Not authorized/i,
    );
    const b = await connect('gw-b', fresh);
    await b.publishAsync('linli/v1/gw-b/status', 'online', { qos: 1 });

    await h.app.inject({ method: 'POST', url: '/api/gateways/gw-b/credentials/revoke', headers: manager });
    expect(await regenerate()).toEqual({ users: 2 });
    await expect(connect('gw-b', fresh)).rejects.toThrow(/Bad User Name or Password|Not authorized/i);
  });
});
