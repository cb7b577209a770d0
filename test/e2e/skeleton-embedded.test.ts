import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getReadings, type Pipeline, startPipeline, waitFor } from '../support/pipeline.js';

describe('walking skeleton on embedded defaults (aedes + SQLite)', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ meters: 2 });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('a reading polled from the simulated meter arrives at GET /api/devices/:id/readings', async () => {
    const readings = await waitFor(
      async () => {
        const r = await getReadings(p.cloud, 'wm-002');
        return r.length >= 3 ? r : undefined;
      },
      15_000,
      'three readings of wm-002',
    );
    const newest = readings[0]!;
    expect(newest.device).toBe('wm-002');
    expect(newest.quality).toBe('good');
    // The stored values are the simulator's, decoded through the profile (word-swapped float, scaled int16).
    const sim = p.sim.community.devices.get(2)!;
    expect(newest.values.total_litres).toBeLessThanOrEqual(sim.get('total_litres') as number);
    expect(newest.values.total_litres).toBeGreaterThan(0);
    expect(newest.values.battery_pct).toBe(sim.get('battery_pct'));
    expect(typeof newest.values.flow_lpm).toBe('number');
    expect(typeof newest.values.water_temp_c).toBe('number');
    expect(typeof newest.values.leak).toBe('boolean');
    // Newest first, strictly increasing sequence numbers from the gateway's outbox.
    const seqs = readings.map((r) => r.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    expect(p.edge.outbox.depth()).toBeLessThan(10);
  });

  it('a device that fails is reported as comm_fail (never as silence), then recovers', async () => {
    const device = p.sim.community.devices.get(1)!;
    const before = Date.now();
    device.fault = 'failure'; // Modbus exception 0x04 on every read
    const failed = await waitFor(
      async () => {
        const r = await getReadings(p.cloud, 'wm-001', 5);
        return r.find((x) => x.quality === 'comm_fail' && x.ts >= before);
      },
      10_000,
      'a comm_fail reading',
    );
    expect(failed.values).toEqual({});
    expect(p.edge.pollers[0]!.counters.exceptions).toBeGreaterThan(0);
    device.fault = 'none';
    const recovered = await waitFor(
      async () => {
        const r = (await getReadings(p.cloud, 'wm-001', 1))[0];
        return r && r.quality === 'good' && r.ts > failed.ts ? r : undefined;
      },
      10_000,
      'a good reading after recovery',
    );
    expect(recovered.values.total_litres).toBeGreaterThanOrEqual(1000);
  });
});
