import ModbusSerial from 'modbus-serial';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimDevice } from '../../firmware-sim/src/devices/sim-device.js';
import { crc16, hasValidCrc, withCrc } from '../../firmware-sim/src/modbus/crc16.js';
import { handlePdu, SILENCE } from '../../firmware-sim/src/modbus/pdu.js';
import { silentIntervalMs } from '../../firmware-sim/src/modbus/rtu-frames.js';
import { ModbusRtuServer } from '../../firmware-sim/src/modbus/rtu-server.js';
import { loadProfiles } from '../../protocols/src/index.js';
import { pymodbusRead } from '../helpers/pymodbus.js';
import { type PtyPair, startPtyPair } from '../helpers/socat.js';

const ModbusRTU = ModbusSerial.default;
const BAUD = 19_200;

describe('RTU framing', () => {
  it('computes the CRC of the spec example (read 10 holding registers of unit 1)', () => {
    const frame = Buffer.from([0x01, 0x03, 0x00, 0x00, 0x00, 0x0a]);
    expect(crc16(frame)).toBe(0xcdc5);
    expect(withCrc(frame)).toEqual(Buffer.from([0x01, 0x03, 0x00, 0x00, 0x00, 0x0a, 0xc5, 0xcd]));
    expect(hasValidCrc(withCrc(frame))).toBe(true);
    expect(hasValidCrc(Buffer.from([0x01, 0x03, 0x00, 0x00, 0x00, 0x0a, 0xc5, 0xce]))).toBe(false);
  });
  it('derives the 3.5-character silence from the baud rate, fixed above 19200', () => {
    expect(silentIntervalMs(9600)).toBeCloseTo(4.01, 2);
    expect(silentIntervalMs(19_200)).toBeCloseTo(2.005, 3);
    expect(silentIntervalMs(115_200)).toBe(1.75);
  });
});

describe('Modbus RTU server on a socat pty pair', () => {
  const profile = loadProfiles().get('linli-wm-100')!;
  const devices = new Map([1, 2].map((u) => [u, new SimDevice(`wm-00${u}`, u, profile)] as const));
  devices.get(1)!.set('total_litres', 123_456);
  devices.get(1)!.set('flow_lpm', 7.25);
  devices.get(2)!.set('total_litres', 42);
  devices.get(2)!.set('leak', true);
  let pair: PtyPair;
  let server: ModbusRtuServer;

  beforeAll(async () => {
    pair = await startPtyPair();
    server = new ModbusRtuServer({
      path: pair.pathA,
      baudRate: BAUD,
      handle: (unit, pdu) => {
        const device = devices.get(unit);
        if (!device) return undefined;
        return device.fault === 'silent' ? SILENCE : handlePdu(pdu, device);
      },
    });
    await server.start();
  });
  afterAll(async () => {
    await server?.stop();
    await pair?.stop();
  });

  it('answers modbus-serial (connectRTUBuffered) for its units, with exceptions, and not for others', async () => {
    const client = new ModbusRTU();
    await client.connectRTUBuffered(pair.pathB, { baudRate: BAUD });
    client.setTimeout(500);
    try {
      client.setID(1);
      expect((await client.readHoldingRegisters(0, 5)).data).toEqual(devices.get(1)!.read('holding', 0, 5));
      expect((await client.readHoldingRegisters(0, 2)).data).toEqual([0x0001, 0xe240]);
      client.setID(2);
      expect((await client.readDiscreteInputs(0, 1)).data[0]).toBe(true);
      await expect(client.readHoldingRegisters(4, 5)).rejects.toMatchObject({ modbusCode: 2 });
      client.setID(9); // nobody on the line has unit 9: the master must time out
      await expect(client.readHoldingRegisters(0, 1)).rejects.toThrow(/Timed out/i);
      devices.get(2)!.fault = 'silent';
      client.setID(2);
      await expect(client.readHoldingRegisters(0, 1)).rejects.toThrow(/Timed out/i);
      devices.get(2)!.fault = 'none';
      expect((await client.readHoldingRegisters(0, 2)).data).toEqual([0, 42]);
    } finally {
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
  });

  it('drops a frame with a bad CRC silently and answers the next good one', async () => {
    const port = new SerialPort({ path: pair.pathB, baudRate: BAUD, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    const received: Buffer[] = [];
    port.on('data', (d: Buffer) => received.push(d));
    try {
      const request = withCrc(Buffer.from([0x01, 0x03, 0x00, 0x00, 0x00, 0x02]));
      const corrupted = Buffer.from(request);
      corrupted[corrupted.length - 1]! ^= 0xff;
      const errorsBefore = server.crcErrors;
      port.write(corrupted);
      await new Promise((r) => setTimeout(r, 150));
      expect(Buffer.concat(received)).toHaveLength(0);
      expect(server.crcErrors).toBe(errorsBefore + 1);
      port.write(request);
      await new Promise((r) => setTimeout(r, 150));
      const answer = Buffer.concat(received);
      expect(hasValidCrc(answer)).toBe(true);
      expect([...answer.subarray(0, 7)]).toEqual([0x01, 0x03, 0x04, 0x00, 0x01, 0xe2, 0x40]);
    } finally {
      await new Promise<void>((resolve) => port.close(() => resolve()));
    }
  });

  it('is read by a third-party master (Debian pymodbus) over the pty', async () => {
    const link = { transport: 'rtu', serialPath: pair.pathB, baud: BAUD } as const;
    expect(await pymodbusRead({ ...link, unitId: 2, fc: 3, address: 0, count: 5 })).toEqual(
      devices.get(2)!.read('holding', 0, 5),
    );
    expect(await pymodbusRead({ ...link, unitId: 2, fc: 2, address: 0, count: 1 })).toEqual([true]);
    expect(await pymodbusRead({ ...link, unitId: 1, fc: 3, address: 2, count: 2 })).toEqual(
      devices.get(1)!.read('holding', 2, 2),
    );
  });
});
