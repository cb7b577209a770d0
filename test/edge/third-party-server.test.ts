import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModbusBus } from '../../edge/src/bus/modbus-bus.js';
import { pollDevice } from '../../edge/src/poller.js';
import { planReads } from '../../edge/src/read-plan.js';
import { loadProfiles } from '../../protocols/src/index.js';
import { type PymodbusServerHandle, startPymodbusServer } from '../helpers/pymodbus.js';

/**
 * The edge polls a Modbus server it did not write: Debian's pymodbus, holding registers laid out
 * as the linli-wm-100 profile says (uint32 ABCD, float32 word-swapped CDAB, scaled int16).
 */
describe('edge polls a third-party Modbus TCP server (pymodbus)', () => {
  let server: PymodbusServerHandle;
  const float = Buffer.alloc(4);
  float.writeFloatBE(-3.75);
  const [hi, lo] = [float.readUInt16BE(0), float.readUInt16BE(2)];

  beforeAll(async () => {
    server = await startPymodbusServer({
      transport: 'tcp',
      unitId: 17,
      // total_litres = 0x0012D687 = 1234567 (ABCD); flow_lpm CDAB: low word first; battery 63 %
      holding: [0x0012, 0xd687, lo, hi, 63],
      // water_temp_c: int16 -123 with scale 0.1 -> -12.3 °C
      input: [0x10000 - 123],
      discrete: [true],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });
  const pymodbusBus = () =>
    new ModbusBus({ id: 'py', type: 'tcp', host: '127.0.0.1', port: server.port!, timeoutMs: 2000 });

  it('decodes word-swapped float32, scaled negative int16, uint32 and a discrete input exactly', async () => {
    const bus = pymodbusBus();
    try {
      const profile = loadProfiles().get('linli-wm-100')!;
      const values = await pollDevice(bus, 17, planReads(profile));
      expect(values).toEqual({
        total_litres: 1_234_567,
        flow_lpm: -3.75,
        battery_pct: 63,
        water_temp_c: -12.3,
        leak: true,
      });
    } finally {
      await bus.close();
    }
  });

  it("a read past the server's table is a Modbus exception, reported as such", async () => {
    const bus = pymodbusBus();
    try {
      await expect(bus.read(17, 'holding', 3, 10)).rejects.toMatchObject({
        kind: 'exception',
        exceptionCode: 2,
      });
    } finally {
      await bus.close();
    }
  });
});
