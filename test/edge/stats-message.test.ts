import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ParsedGatewayStats, statsParser, topics } from '../../protocols/src/index.js';
import { type Pipeline, startPipeline, waitFor } from '../support/pipeline.js';

const GW = 'gw-stats';

/**
 * The stats message carries what the agent did to register values (dropped as out of range,
 * counters carried across a reset), as the local health output does: firmware-sim meters send
 * garbage, then one is replaced by a meter starting near zero; the message is read off the broker.
 */
describe('stats message: value events, real agent and broker', () => {
  let p: Pipeline;
  let cloudSide: MqttClient;
  const received: ParsedGatewayStats[] = [];

  beforeAll(async () => {
    p = await startPipeline({
      meters: 2,
      gatewayId: GW,
      pollIntervalMs: 100,
      env: { MQTT_USERNAME: 'linli-cloud', MQTT_PASSWORD: 'internal-secret' },
    });
    cloudSide = await mqtt.connectAsync(p.cloud.mqttUrl, {
      clientId: 'stats-reader',
      username: 'linli-cloud',
      password: 'internal-secret',
    });
    cloudSide.on('message', (_topic, payload) =>
      received.push(statsParser.parse(JSON.parse(payload.toString()))),
    );
    await cloudSide.subscribeAsync(topics.stats(GW), { qos: 1 });
  });
  afterAll(async () => {
    await cloudSide?.endAsync();
    await p?.stop();
  });

  const meter = (unit: number) => p.sim.community.devices.get(unit)!;
  const sum = (k: 'rangeErrors' | 'counterWraps' | 'counterResets') =>
    p.edge.pollers.reduce((n, poller) => n + poller.counters[k], 0);

  async function publishedStats(): Promise<ParsedGatewayStats> {
    const before = received.length;
    p.edge.publishStats();
    return waitFor(() => received[before], 5_000, 'a stats message');
  }

  it('counts values dropped as out of range and counter resets, as the local health output does', async () => {
    await waitFor(() => p.edge.publisher.connected && sum('rangeErrors') === 0, 10_000, 'the agent online');
    expect((await publishedStats()).values).toEqual({ rangeErrors: 0, counterWraps: 0, counterResets: 0 });

    meter(1).fault = 'garbage';
    await waitFor(() => sum('rangeErrors') >= 9, 10_000, 'garbage values dropped');
    meter(1).fault = 'none';
    const total = meter(2).get('total_litres') as number;
    expect(total).toBeGreaterThan(100);
    meter(2).fault = 'stuck'; // the community stops stepping it, so the value stays as set
    meter(2).set('total_litres', 3); // a new meter in its place
    await waitFor(() => sum('counterResets') >= 1, 10_000, 'the reset seen');
    // Let the garbage meter's recovery poll land, so the counts stand still while compared.
    await new Promise((r) => setTimeout(r, 300));

    const stats = await publishedStats();
    expect(stats.values.rangeErrors).toBe(sum('rangeErrors'));
    expect(stats.values.rangeErrors).toBeGreaterThanOrEqual(9);
    expect(stats.values.counterResets).toBe(1);
    expect(stats.values.counterWraps).toBe(0);
    expect((p.edge.snapshot().body as { values: unknown }).values).toEqual(stats.values);
  });
});
