import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeAgent } from '../../edge/src/agent.js';
import type { EdgeConfig } from '../../edge/src/config.js';
import { advanceCounter, counterRange } from '../../edge/src/counters.js';
import { SimDevice } from '../../firmware-sim/src/devices/sim-device.js';
import { handlePdu, SILENCE } from '../../firmware-sim/src/modbus/pdu.js';
import { ModbusTcpServer } from '../../firmware-sim/src/modbus/tcp-server.js';
import { loadProfileFile, type RegisterDef } from '../../protocols/src/index.js';
import { quietLogger, waitFor } from '../support/pipeline.js';

const def = (type: RegisterDef['type'], scale?: number): RegisterDef => ({
  name: 'c',
  area: 'holding',
  address: 0,
  type,
  kind: 'counter',
  ...(scale ? { scale } : {}),
});

describe('counter continuity (pure)', () => {
  it('a drop from the top of a uint16 into its bottom is a wrap: the consumption across it counts', () => {
    const range = counterRange(def('uint16'));
    let s = advanceCounter(undefined, 65_530, range);
    expect([s.total, s.event]).toEqual([65_530, 'first']);
    s = advanceCounter(s.state, 4, range);
    expect([s.total, s.event]).toEqual([65_540, 'wrap']); // 6 up to 65536, then 4
    s = advanceCounter(s.state, 100, range);
    expect([s.total, s.event]).toEqual([65_636, 'continue']);
  });

  it('any other drop is a reset or a new meter: the total continues from its last value', () => {
    const range = counterRange(def('uint32'));
    let s = advanceCounter(undefined, 120_000, range);
    s = advanceCounter(s.state, 7, range);
    expect([s.total, s.event]).toEqual([120_000, 'reset']);
    s = advanceCounter(s.state, 10, range);
    expect([s.total, s.event]).toEqual([120_003, 'continue']);
  });

  it('works in engineering units for scaled and signed registers; floats never wrap', () => {
    // uint32 in 0.01 kWh wraps at 42,949,672.96 kWh.
    const kwh = counterRange(def('uint32', 0.01));
    let s = advanceCounter(undefined, 42_949_670, kwh);
    s = advanceCounter(s.state, 1.5, kwh);
    expect([s.total, s.event]).toEqual([42_949_674.46, 'wrap']);
    // int16 wraps from +32767 to -32768.
    const i16 = counterRange(def('int16'));
    s = advanceCounter(advanceCounter(undefined, 32_760, i16).state, -32_760, i16);
    expect([s.total, s.event]).toEqual([32_776, 'wrap']);
    const f = counterRange(def('float32'));
    expect(f).toBeUndefined();
    s = advanceCounter(advanceCounter(undefined, 1e9, f).state, 3, f);
    expect([s.total, s.event]).toEqual([1e9, 'reset']);
  });
});

/** A meter model with a 16-bit litre counter, the kind that really wraps (every 65,536 L). */
const PROFILE = `
schemaVersion: 1
model: test-wm-16
deviceType: water_meter
registers:
  - { name: litres, area: holding, address: 0, type: uint16, unit: L, kind: counter }
  - { name: battery_pct, area: holding, address: 1, type: uint16, unit: "%", kind: gauge, min: 0, max: 100 }
testVectors:
  - { register: litres, raw: [65535], value: 65535 }
`;

describe('counters across wrap-around, meter replacement and agent restarts (real agent, Modbus TCP)', () => {
  let dir: string;
  let server: ModbusTcpServer;
  let meter: SimDevice;
  let config: EdgeConfig;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-counters-'));
    writeFileSync(join(dir, 'test-wm-16.yaml'), PROFILE);
    meter = new SimDevice('m', 1, loadProfileFile(join(dir, 'test-wm-16.yaml')));
    meter.set('battery_pct', 90);
    server = new ModbusTcpServer({
      port: 0,
      handle: (u, pdu) => (u === 1 ? handlePdu(pdu, meter) : SILENCE),
    });
    const port = await server.start();
    config = {
      gateway: { id: 'gw-counters' },
      mqtt: { url: 'mqtt://127.0.0.1:1' }, // no broker: readings stay in the outbox to be read back
      outbox: { path: join(dir, 'outbox.db') },
      profileDirs: [dir],
      buses: [{ id: 'b', type: 'tcp', host: '127.0.0.1', port, timeoutMs: 500 }],
      devices: [{ id: 'wm-16', bus: 'b', unitId: 1, profile: 'test-wm-16', pollIntervalMs: 100 }],
    };
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sets the meter's register, then waits for the agent to store a reading of it; returns its total. */
  async function read(agent: EdgeAgent, raw: number): Promise<number> {
    meter.set('litres', raw);
    const since = Date.now();
    const reading = await waitFor(
      () =>
        agent.outbox
          .peek(0, 10_000)
          .reverse()
          .find((r) => r.ts > since + 5 && r.quality === 'good'),
      5_000,
      `a reading of ${raw}`,
    );
    return reading.values.litres as number;
  }

  const start = async () => {
    const agent = new EdgeAgent(config, quietLogger(), { pollGridMs: 10 });
    await agent.start();
    return agent;
  };

  it('publishes one continuous total, counting wraps and resets, and carries it over restarts', async () => {
    let agent = await start();
    try {
      expect(await read(agent, 65_000)).toBe(65_000);
      expect(await read(agent, 65_530)).toBe(65_530);
      expect(await read(agent, 12)).toBe(65_548); // wrapped: +6 to 65,536, then 12
      expect(agent.pollers[0]!.counters.counterWraps).toBe(1);
    } finally {
      await agent.stop();
    }

    // The meter keeps counting while the agent is down; the total picks up from the stored state.
    meter.set('litres', 40);
    agent = await start();
    try {
      expect(await read(agent, 50)).toBe(65_586);
      // Meter replaced: the new one starts near zero. No fake consumption, no step backwards.
      expect(await read(agent, 3)).toBe(65_586);
      expect(await read(agent, 10)).toBe(65_593);
      expect(agent.pollers[0]!.counters.counterResets).toBe(1);
      expect(agent.pollers[0]!.counters.counterWraps).toBe(0);
      expect(agent.snapshot().body).toMatchObject({
        values: { counterResets: 1, counterWraps: 0, rangeErrors: 0 },
        deviceDetails: [expect.objectContaining({ id: 'wm-16', counterResets: 1, counterWraps: 0 })],
      });
    } finally {
      await agent.stop();
    }

    // A second restart after the replacement keeps the offset it introduced.
    agent = await start();
    try {
      expect(await read(agent, 20)).toBe(65_603);
      // Every stored total, in order, never goes backwards.
      const totals = agent.outbox
        .peek(0, 100_000)
        .filter((r) => r.quality === 'good')
        .map((r) => r.values.litres as number);
      expect(totals.length).toBeGreaterThanOrEqual(7); // at least one reading of each value set
      for (let i = 1; i < totals.length; i++) expect(totals[i]!).toBeGreaterThanOrEqual(totals[i - 1]!);
    } finally {
      await agent.stop();
    }
  }, 30_000);
});
