import ModbusSerial from 'modbus-serial';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mbpollRead } from '../helpers/mbpoll.js';
import { type PymodbusServerHandle, pymodbusRead, startPymodbusServer } from '../helpers/pymodbus.js';
import { type PtyPair, startPtyPair } from '../helpers/socat.js';

// modbus-serial is CommonJS (`module.exports.default = module.exports`); under NodeNext the default
// import is typed as the whole module object, so take the class from `.default` (same at runtime).
const ModbusRTU = ModbusSerial.default;

const HOLDING = [1, 2, 65535, 40000, 0x1234];
const INPUT = [230, 231, 229];
const COILS = [true, false, true, true];
const DISCRETE = [false, true];
const TABLES = { holding: HOLDING, input: INPUT, coils: COILS, discrete: DISCRETE };

describe('pymodbus server over TCP', () => {
  let server: PymodbusServerHandle;
  beforeAll(async () => {
    server = await startPymodbusServer({ transport: 'tcp', unitId: 7, ...TABLES });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is read by the modbus-serial npm client', async () => {
    const client = new ModbusRTU();
    await client.connectTCP(server.host!, { port: server.port! });
    client.setID(7);
    client.setTimeout(3_000);
    try {
      expect((await client.readHoldingRegisters(0, 5)).data).toEqual(HOLDING);
      expect((await client.readInputRegisters(1, 2)).data).toEqual([231, 229]);
      expect((await client.readCoils(0, 4)).data.slice(0, 4)).toEqual(COILS);
      expect((await client.readDiscreteInputs(0, 2)).data.slice(0, 2)).toEqual(DISCRETE);
      // Past the end of the table: exception 2 (illegal data address).
      await expect(client.readHoldingRegisters(3, 5)).rejects.toMatchObject({ modbusCode: 2 });
    } finally {
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
  });

  it('is read by the pymodbus and mbpoll helpers', async () => {
    const link = { transport: 'tcp', port: server.port!, unitId: 7 } as const;
    expect(await pymodbusRead({ ...link, fc: 3, address: 0, count: 5 })).toEqual(HOLDING);
    expect(await pymodbusRead({ ...link, fc: 4, address: 0, count: 3 })).toEqual(INPUT);
    expect(await pymodbusRead({ ...link, fc: 1, address: 0, count: 4 })).toEqual(COILS);
    expect(await pymodbusRead({ ...link, fc: 2, address: 0, count: 2 })).toEqual(DISCRETE);
    await expect(pymodbusRead({ ...link, fc: 3, address: 4, count: 2 })).rejects.toThrow(/IllegalAddress/);
    expect(await mbpollRead({ ...link, fc: 3, address: 1, count: 4 })).toEqual(HOLDING.slice(1));
    expect(await mbpollRead({ ...link, fc: 4, address: 0, count: 3 })).toEqual(INPUT);
    expect(await mbpollRead({ ...link, fc: 1, address: 0, count: 4 })).toEqual(COILS);
    expect(await mbpollRead({ ...link, fc: 2, address: 0, count: 2 })).toEqual(DISCRETE);
  });

  it('goes away on kill() and answers again after restart() on the same port', async () => {
    const link = { transport: 'tcp', port: server.port!, unitId: 7, timeoutS: 1 } as const;
    await server.kill();
    await expect(pymodbusRead({ ...link, fc: 3, address: 0, count: 1 })).rejects.toThrow();
    await server.restart();
    expect(await pymodbusRead({ ...link, fc: 3, address: 0, count: 2 })).toEqual([1, 2]);
  });
});

describe('pymodbus server over RTU on a socat pty pair', () => {
  let pair: PtyPair;
  let server: PymodbusServerHandle;
  beforeAll(async () => {
    pair = await startPtyPair();
    server = await startPymodbusServer({
      transport: 'rtu',
      serialPath: pair.pathB,
      baud: 9600,
      unitId: 3,
      ...TABLES,
    });
  });
  afterAll(async () => {
    await server?.stop();
    await pair?.stop();
  });

  it('is read by modbus-serial connectRTUBuffered', async () => {
    const client = new ModbusRTU();
    await client.connectRTUBuffered(pair.pathA, { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    client.setID(3);
    client.setTimeout(3_000);
    try {
      expect((await client.readHoldingRegisters(0, 5)).data).toEqual(HOLDING);
      expect((await client.readInputRegisters(0, 3)).data).toEqual(INPUT);
      expect((await client.readCoils(0, 4)).data.slice(0, 4)).toEqual(COILS);
    } finally {
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
  });

  it('is read by the mbpoll helper over RTU', async () => {
    const link = { transport: 'rtu', serialPath: pair.pathA, baud: 9600, unitId: 3 } as const;
    expect(await mbpollRead({ ...link, fc: 3, address: 2, count: 3 })).toEqual([65535, 40000, 0x1234]);
    expect(await mbpollRead({ ...link, fc: 2, address: 0, count: 2 })).toEqual(DISCRETE);
  });
});

describe('pymodbusRead over RTU (a pymodbus master on one end, a pymodbus slave on the other)', () => {
  let pair: PtyPair;
  let server: PymodbusServerHandle;
  beforeAll(async () => {
    pair = await startPtyPair();
    server = await startPymodbusServer({
      transport: 'rtu',
      serialPath: pair.pathB,
      unitId: 9,
      holding: [42, 43],
    });
  });
  afterAll(async () => {
    await server?.stop();
    await pair?.stop();
  });

  it('reads holding registers', async () => {
    expect(
      await pymodbusRead({
        transport: 'rtu',
        serialPath: pair.pathA,
        unitId: 9,
        fc: 3,
        address: 0,
        count: 2,
      }),
    ).toEqual([42, 43]);
  });
});
