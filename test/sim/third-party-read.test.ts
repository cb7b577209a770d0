import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-sim/src/clock.js';
import type { SimDevice } from '../../firmware-sim/src/devices/sim-device.js';
import { type RunningSimulator, startSimulator } from '../../firmware-sim/src/simulator.js';
import {
  decodeRegister,
  type FunctionArea,
  isBitArea,
  type RegisterDef,
  registerSpan,
} from '../../protocols/src/index.js';
import { type ModbusLink, pymodbusRead } from '../helpers/pymodbus.js';
import { type PtyPair, startPtyPair } from '../helpers/socat.js';

// Done-when of issue 3: a third-party master (Debian pymodbus) reads every profile's registers from
// the simulator, over Modbus TCP and over an RTU line on a pty, and our codec decodes the words it
// got to exactly the values the simulated device holds.

const BAUD = 19_200;
const FC: Record<FunctionArea, 1 | 2 | 3 | 4> = { coil: 1, discrete: 2, holding: 3, input: 4 };

async function readArea(link: ModbusLink, unitId: number, area: FunctionArea, regs: RegisterDef[]) {
  const start = Math.min(...regs.map((r) => r.address));
  const count = Math.max(...regs.map((r) => r.address + registerSpan(r))) - start;
  const fc = FC[area];
  const words =
    fc === 1 || fc === 2
      ? (await pymodbusRead({ ...link, unitId, fc, address: start, count })).map((b) => (b ? 1 : 0))
      : await pymodbusRead({ ...link, unitId, fc, address: start, count });
  return { start, words };
}

/** Reads every register of a device through pymodbus and decodes it with the profile. */
async function readDevice(link: ModbusLink, device: SimDevice): Promise<Map<string, unknown>> {
  const decoded = new Map<string, unknown>();
  const areas = new Set(device.profile.registers.map((r) => r.area));
  for (const area of areas) {
    const regs = device.profile.registers.filter((r) => r.area === area);
    const { start, words } = await readArea(link, device.unitId, area, regs);
    for (const reg of regs) {
      const raw = words.slice(reg.address - start, reg.address - start + registerSpan(reg));
      decoded.set(reg.name, isBitArea(reg) ? raw[0] === 1 : decodeRegister(reg, raw));
    }
  }
  return decoded;
}

function expectSameValues(device: SimDevice, decoded: Map<string, unknown>): void {
  for (const reg of device.profile.registers) {
    const want = device.get(reg.name);
    const got = decoded.get(reg.name);
    if (typeof want === 'number') {
      // float32 registers hold the nearest single-precision value: 7 significant digits.
      expect(got, `${device.id}.${reg.name}`).toBeCloseTo(want, reg.type === 'float32' ? 3 : 6);
    } else {
      expect(got, `${device.id}.${reg.name}`).toBe(want);
    }
  }
}

describe('Debian pymodbus reads every profile from the simulator', () => {
  // One household (water, power, door), one env station, one bin: one device per profile.
  const clock = new ManualClock(Date.parse('2024-07-15T19:40:00+08:00'));
  let sim: RunningSimulator;
  let pair: PtyPair;
  const devices = () => [...sim.community.gateways[0]!.devices.values()];

  beforeAll(async () => {
    pair = await startPtyPair();
    sim = await startSimulator({
      port: 0,
      clock,
      community: { seed: 7, households: 1, envSensors: 1, bins: 1, gateways: 1 },
      rtu: [{ path: pair.pathA, baudRate: BAUD }],
    });
    clock.advance(20 * 60_000); // some water, power and fill since start: counters are not zero
    for (const d of devices()) sim.community.advance(d);
  });
  afterAll(async () => {
    await sim?.stop();
    await pair?.stop();
  });

  it('serves one device of each built-in profile, with live values', () => {
    expect(
      devices()
        .map((d) => d.profile.model)
        .sort(),
    ).toEqual(['linli-bin-500', 'linli-ds-200', 'linli-env-300', 'linli-pm-400', 'linli-wm-100']);
    const pm = sim.community.byId.get('pm-001')!;
    expect(pm.get('power_w')).toBeGreaterThan(0);
    expect(sim.community.byId.get('env-001')!.get('temperature_c')).toBeGreaterThan(20); // a July evening
  });

  it('over Modbus TCP', async () => {
    for (const device of devices()) {
      const decoded = await readDevice({ transport: 'tcp', port: sim.port }, device);
      expectSameValues(device, decoded);
    }
  });

  it('over Modbus RTU on a pty line', async () => {
    for (const device of devices()) {
      const decoded = await readDevice({ transport: 'rtu', serialPath: pair.pathB, baud: BAUD }, device);
      expectSameValues(device, decoded);
    }
  });
});
