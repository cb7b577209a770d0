import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRemoteConfig,
  type CommandResponse,
  type ConfigResult,
  commandResponseParser,
  configResultParser,
  statsParser,
  topics,
} from '../../protocols/src/index.js';
import { freePort } from '../helpers/ports.js';
import { type Pipeline, startPipeline, waitFor } from '../support/pipeline.js';

const GW = 'gw-remote';

describe('remote config and commands over MQTT (embedded broker)', () => {
  let p: Pipeline;
  let cloudSide: MqttClient;
  const results: ConfigResult[] = [];
  const responses: CommandResponse[] = [];
  const stats: unknown[] = [];

  const devices = (n: number, interval: number) =>
    Array.from({ length: n }, (_, i) => ({
      id: `wm-${String(i + 1).padStart(3, '0')}`,
      bus: 'sim',
      unitId: i + 1,
      profile: 'linli-wm-100',
      pollIntervalMs: interval,
    }));
  const body = (port: number, n: number, interval: number) => ({
    gateway: { id: GW },
    buses: [{ id: 'sim', type: 'tcp', host: '127.0.0.1', port, timeoutMs: 300 }],
    devices: devices(n, interval),
  });
  const sendConfig = (version: string, config: Record<string, unknown>) =>
    cloudSide.publishAsync(
      topics.config(GW),
      JSON.stringify(buildRemoteConfig(version, config, Date.now())),
      { qos: 1, retain: true },
    );

  beforeAll(async () => {
    p = await startPipeline({
      meters: 3,
      gatewayId: GW,
      agentOptions: { verifyMs: 1500 },
      env: { MQTT_USERNAME: 'linli-cloud', MQTT_PASSWORD: 'internal-secret' },
    });
    // Plays the cloud's side of the broker, with the internal credential.
    cloudSide = await mqtt.connectAsync(p.cloud.mqttUrl, {
      clientId: 'cloud-control',
      username: 'linli-cloud',
      password: 'internal-secret',
    });
    cloudSide.on('message', (topic, payload) => {
      const msg = JSON.parse(payload.toString());
      if (topic === topics.configResult(GW)) results.push(configResultParser.parse(msg));
      else if (topic === topics.stats(GW)) stats.push(statsParser.parse(msg));
      else responses.push(commandResponseParser.parse(msg));
    });
    await cloudSide.subscribeAsync([topics.configResult(GW), topics.stats(GW)], { qos: 1 });
    await cloudSide.subscribeAsync(`linli/v1/${GW}/cmd/+/result`, { qos: 1 });
  });
  afterAll(async () => {
    await cloudSide?.endAsync();
    await p?.stop();
  });

  it('applies a new config without restarting the process, and reports it', async () => {
    expect(p.edge.pollers).toHaveLength(3);
    await sendConfig('v2', body(p.sim.port, 2, 300));
    const result = await waitFor(() => results.find((r) => r.version === 'v2'), 10_000, 'config result v2');
    expect(result.status).toBe('applied');
    expect(p.edge.pollers).toHaveLength(2);
    expect(p.edge.config.devices[0]!.pollIntervalMs).toBe(300);
    expect(p.edge.snapshot().body).toMatchObject({ configVersion: 'v2' });
  });

  it('ignores the same config again: no restart of the pollers, no new result', async () => {
    const pollersBefore = p.edge.pollers;
    const count = results.length;
    await sendConfig('v2-again', body(p.sim.port, 2, 300)); // same body -> same hash
    await new Promise((r) => setTimeout(r, 800));
    expect(p.edge.pollers).toBe(pollersBefore);
    expect(results).toHaveLength(count);
  });

  it('rejects an invalid config with the reason and keeps the running one', async () => {
    const bad = {
      ...body(p.sim.port, 1, 300),
      devices: [{ ...devices(1, 300)[0], profile: 'no-such-model' }],
    };
    await sendConfig('v3', bad);
    const result = await waitFor(() => results.find((r) => r.version === 'v3'), 10_000, 'config result v3');
    expect(result.status).toBe('rejected');
    expect(result.reason).toMatch(/unknown device profile.*no-such-model/);
    expect(result.activeVersion).toBe('v2');
    expect(p.edge.pollers).toHaveLength(2);
  });

  it('rolls back a config under which no device answers', async () => {
    const nowhere = await freePort(); // nothing listens there
    await sendConfig('v4', body(nowhere, 2, 200));
    const result = await waitFor(() => results.find((r) => r.version === 'v4'), 15_000, 'config result v4');
    expect(result.status).toBe('rolled_back');
    expect(result.reason).toMatch(/no device answered/);
    expect(result.activeVersion).toBe('v2');
    expect(p.edge.config.buses[0]).toMatchObject({ port: p.sim.port });
    await waitFor(() => p.edge.pollers.some((x) => x.counters.ok > 0), 5_000, 'polling again with v2');
  });

  const command = async (op: string, args: Record<string, unknown>) => {
    const id = `c-${op}-${Math.random().toString(36).slice(2, 8)}`;
    await cloudSide.publishAsync(
      topics.command(GW, op),
      JSON.stringify({ v: 1, id, op, args, issuedAt: Date.now() }),
      { qos: 1 },
    );
    return waitFor(() => responses.find((r) => r.id === id), 10_000, `response to ${op}`);
  };

  it('answers read_register with the decoded value and the raw words', async () => {
    const res = await command('read_register', { device: 'wm-001', register: 'battery_pct' });
    expect(res.status).toBe('ok');
    expect(res.result).toEqual({
      value: p.sim.community.devices.get(1)!.get('battery_pct'),
      raw: [expect.any(Number)],
    });
    const raw = await command('read_register', { device: 'wm-001', area: 'holding', address: 0, count: 2 });
    expect((raw.result as { raw: number[] }).raw).toHaveLength(2);
  });

  it('refuses bad commands with coded errors', async () => {
    expect((await command('read_register', { device: 'nope', register: 'battery_pct' })).error?.code).toBe(
      'unknown_device',
    );
    expect(
      (await command('write_register', { device: 'wm-001', register: 'total_litres', value: 1 })).error?.code,
    ).toBe('not_writable');
    expect((await command('read_register', { device: 'wm-001' })).error?.code).toBe('invalid_args');
  });

  it('rescans the bus and finds the simulated meters with their profile', async () => {
    const res = await command('rescan', { bus: 'sim', fromUnit: 1, toUnit: 4 });
    const found = (res.result as { found: Array<{ unitId: number; model?: string }> }).found;
    expect(found.map((f) => f.unitId)).toEqual([1, 2, 3]);
    expect(found.every((f) => f.model === 'linli-wm-100')).toBe(true);
  });

  it('publishes stats that match the protocol schema', async () => {
    p.edge.publishStats();
    const s = (await waitFor(() => stats[0], 5_000, 'a stats message')) as {
      devices: { total: number };
      outbox: { pending: number };
    };
    expect(s.devices.total).toBe(2);
    expect(s.outbox.pending).toBeGreaterThanOrEqual(0);
  });
});
