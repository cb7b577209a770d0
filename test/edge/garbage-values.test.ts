import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeConfig } from '../../edge/src/config.js';
import type { PolledReading } from '../../edge/src/poller.js';
import { PollingSet } from '../../edge/src/polling.js';
import { type RunningSimulator, startSimulator } from '../../firmware-sim/src/simulator.js';
import { loadProfiles } from '../../protocols/src/index.js';
import { waitFor } from '../support/pipeline.js';

/**
 * A meter that answers with garbage (firmware-sim's 'garbage' fault: 0xFFFF in every register) or
 * with a NaN float must give readings without the implausible values, counted and logged once per
 * field until they recover, and never a crash or a bogus total.
 */
describe('garbage register values (firmware-sim over Modbus TCP)', () => {
  let sim: RunningSimulator;
  let polling: PollingSet;
  const readings: PolledReading[] = [];
  const logs: Array<{ msg: string; device?: string; field?: string }> = [];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, waterMeters: 2 });
    const config: EdgeConfig = {
      gateway: { id: 'gw-garbage' },
      mqtt: { url: 'mqtt://127.0.0.1:1' },
      outbox: { path: ':memory:' },
      buses: [{ id: 'sim', type: 'tcp', host: '127.0.0.1', port: sim.port, timeoutMs: 500 }],
      devices: [1, 2].map((u) => ({
        id: `wm-${u}`,
        bus: 'sim',
        unitId: u,
        profile: 'linli-wm-100',
        pollIntervalMs: 100,
      })),
    };
    const sink = new Writable({
      write(chunk, _enc, done) {
        logs.push(JSON.parse(String(chunk)));
        done();
      },
    });
    polling = new PollingSet(config, loadProfiles(), (r) => readings.push(r), pino({ level: 'info' }, sink), {
      gridMs: 10,
    });
    polling.start();
    await waitFor(() => readings.filter((r) => r.device === 'wm-1').length >= 2, 5_000, 'first readings');
  });
  afterAll(async () => {
    await polling?.stop();
    await sim?.stop();
  });

  const poller = (id: string) => polling.pollers.find((p) => p.device.id === id)!;
  const device = (unit: number) => sim.community.devices.get(unit)!;
  const newest = (id: string, since: number) =>
    readings.filter((r) => r.device === id && r.ts > since && r.quality === 'good').at(-1);

  it('drops what garbage makes implausible, keeps the rest, counts it, and logs each field once', async () => {
    const before = newest('wm-1', 0)!;
    const totalBefore = before.values.total_litres as number;
    expect(totalBefore).toBeGreaterThanOrEqual(1000);
    const since = Date.now();
    device(1).fault = 'garbage';
    // A poll in flight when the fault starts may see it on some registers only: count from the
    // first reading that is garbage throughout.
    await waitFor(
      () => readings.some((r) => r.device === 'wm-1' && r.ts > since && !('battery_pct' in r.values)),
      5_000,
      'a garbage poll',
    );
    const settled = Date.now();
    const rangeErrorsAtStart = poller('wm-1').counters.rangeErrors;
    await waitFor(
      () => readings.filter((r) => r.device === 'wm-1' && r.ts > settled).length >= 5,
      5_000,
      'garbage polls',
    );
    const bad = newest('wm-1', since)!;
    // 0xFFFFFFFF litres, a 0xFFFF battery and a NaN float flow are gone; what cannot be told apart
    // from a real value (-0.1 °C, a leak bit) stays: the range is the profile's, not a guess.
    expect(bad.values).toEqual({ water_temp_c: -0.1, leak: true });
    expect(bad.quality).toBe('good');
    const c = poller('wm-1').counters;
    expect(c.rangeErrors - rangeErrorsAtStart).toBeGreaterThanOrEqual(15); // 3 fields x 5 polls
    expect((c.rangeErrors - rangeErrorsAtStart) % 3).toBe(0);
    expect(c.counterWraps + c.counterResets).toBe(0);
    const warned = logs.filter((l) => l.device === 'wm-1' && /implausible/.test(l.msg));
    expect(warned.map((l) => l.field).sort()).toEqual(['battery_pct', 'flow_lpm', 'total_litres']);
    // The other meter on the bus is untouched.
    expect(poller('wm-2').counters.rangeErrors).toBe(0);

    device(1).fault = 'none';
    const recovered = await waitFor(
      () => readings.find((r) => r.device === 'wm-1' && r.ts > Date.now() - 50 && 'total_litres' in r.values),
      5_000,
      'plausible values again',
    );
    // The garbage never reached the counter: no fake wrap, the total is the meter's own.
    expect(recovered.values.total_litres).toBe(device(1).get('total_litres'));
    expect(recovered.values.battery_pct).toBe(device(1).get('battery_pct'));
    const back = logs.filter((l) => l.device === 'wm-1' && /plausible again/.test(l.msg));
    expect(back.map((l) => l.field).sort()).toEqual(['battery_pct', 'flow_lpm', 'total_litres']);
    const count = c.rangeErrors;
    await new Promise((r) => setTimeout(r, 300));
    expect(c.rangeErrors).toBe(count);
  });

  it('drops a stuck NaN or infinite float and only that field', async () => {
    device(2).fault = 'stuck'; // the community stops stepping it, so the value stays as set
    device(2).set('flow_lpm', Number.NaN);
    const since = Date.now();
    const reading = await waitFor(() => newest('wm-2', since + 20), 5_000, 'a reading with the NaN flow');
    expect(reading.values).not.toHaveProperty('flow_lpm');
    expect(reading.values.battery_pct).toBe(device(2).get('battery_pct'));
    expect(typeof reading.values.total_litres).toBe('number');
    device(2).set('flow_lpm', Number.POSITIVE_INFINITY);
    const t = Date.now();
    const inf = await waitFor(() => newest('wm-2', t + 20), 5_000, 'a reading with an infinite flow');
    expect(inf.values).not.toHaveProperty('flow_lpm');
    device(2).set('flow_lpm', 4.5);
    const t2 = Date.now();
    const ok = await waitFor(() => newest('wm-2', t2 + 20), 5_000, 'a reading with a real flow');
    expect(ok.values.flow_lpm).toBe(4.5);
    const nanWarnings = logs.filter((l) => l.device === 'wm-2' && /implausible/.test(l.msg));
    expect(nanWarnings.map((l) => l.field)).toEqual(['flow_lpm']); // once, although NaN then Infinity
    expect(poller('wm-2').counters.rangeErrors).toBeGreaterThanOrEqual(2);
    device(2).fault = 'none';
  });
});
