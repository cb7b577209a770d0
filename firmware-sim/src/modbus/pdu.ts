/**
 * Modbus application layer (PDU) for the simulator, shared by the TCP (MBAP) and RTU framings.
 * Written here rather than using modbus-serial's server so faults (silence, exception codes,
 * garbage) can be injected per device and one process can serve 1,000+ unit ids cheaply.
 */

export enum ExceptionCode {
  IllegalFunction = 0x01,
  IllegalDataAddress = 0x02,
  IllegalDataValue = 0x03,
  ServerDeviceFailure = 0x04,
  ServerDeviceBusy = 0x06,
  GatewayTargetFailedToRespond = 0x0b,
}

export type Area = 'coil' | 'discrete' | 'holding' | 'input';

/** What a simulated device exposes to the bus. Returning an ExceptionCode answers with that exception. */
export interface ModbusTarget {
  read(area: Area, address: number, count: number): number[] | ExceptionCode;
  write(area: 'coil' | 'holding', address: number, values: number[]): ExceptionCode | undefined;
}

/** Silence simulates a dead or timed-out device: no response frame at all. */
export const SILENCE = Symbol('silence');
export type PduResult = Buffer | typeof SILENCE;

export function exceptionPdu(functionCode: number, code: ExceptionCode): Buffer {
  return Buffer.from([functionCode | 0x80, code]);
}

const READ_AREAS: Record<number, Area> = { 1: 'coil', 2: 'discrete', 3: 'holding', 4: 'input' };

function packBits(bits: number[]): Buffer {
  const out = Buffer.alloc(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => {
    if (b) out[i >> 3]! |= 1 << (i & 7);
  });
  return out;
}

function unpackBits(buf: Buffer, count: number): number[] {
  const bits: number[] = [];
  for (let i = 0; i < count; i++) bits.push((buf[i >> 3]! >> (i & 7)) & 1);
  return bits;
}

function handleRead(fc: number, pdu: Buffer, target: ModbusTarget): Buffer {
  if (pdu.length !== 5) return exceptionPdu(fc, ExceptionCode.IllegalDataValue);
  const area = READ_AREAS[fc]!;
  const address = pdu.readUInt16BE(1);
  const count = pdu.readUInt16BE(3);
  const isBits = fc <= 2;
  if (count < 1 || count > (isBits ? 2000 : 125)) return exceptionPdu(fc, ExceptionCode.IllegalDataValue);
  if (address + count > 0x10000) return exceptionPdu(fc, ExceptionCode.IllegalDataAddress);
  const values = target.read(area, address, count);
  if (typeof values === 'number') return exceptionPdu(fc, values);
  if (isBits) {
    const packed = packBits(values);
    return Buffer.concat([Buffer.from([fc, packed.length]), packed]);
  }
  const out = Buffer.alloc(2 + count * 2);
  out[0] = fc;
  out[1] = count * 2;
  values.forEach((v, i) => {
    out.writeUInt16BE(v & 0xffff, 2 + i * 2);
  });
  return out;
}

function handleWrite(fc: number, pdu: Buffer, target: ModbusTarget): Buffer {
  const address = pdu.readUInt16BE(1);
  let result: ExceptionCode | undefined;
  if (fc === 5 || fc === 6) {
    if (pdu.length !== 5) return exceptionPdu(fc, ExceptionCode.IllegalDataValue);
    const raw = pdu.readUInt16BE(3);
    if (fc === 5 && raw !== 0xff00 && raw !== 0) return exceptionPdu(fc, ExceptionCode.IllegalDataValue);
    result =
      fc === 5
        ? target.write('coil', address, [raw === 0xff00 ? 1 : 0])
        : target.write('holding', address, [raw]);
    return result === undefined ? Buffer.from(pdu) : exceptionPdu(fc, result);
  }
  const count = pdu.readUInt16BE(3);
  const byteCount = pdu[5] ?? -1;
  if (fc === 15) {
    if (count < 1 || count > 1968 || byteCount !== Math.ceil(count / 8) || pdu.length !== 6 + byteCount)
      return exceptionPdu(fc, ExceptionCode.IllegalDataValue);
    result = target.write('coil', address, unpackBits(pdu.subarray(6), count));
  } else {
    if (count < 1 || count > 123 || byteCount !== count * 2 || pdu.length !== 6 + byteCount)
      return exceptionPdu(fc, ExceptionCode.IllegalDataValue);
    const words: number[] = [];
    for (let i = 0; i < count; i++) words.push(pdu.readUInt16BE(6 + i * 2));
    result = target.write('holding', address, words);
  }
  return result === undefined ? pdu.subarray(0, 5) : exceptionPdu(fc, result);
}

/** Answers one request PDU (function code + data) for a target. */
export function handlePdu(pdu: Buffer, target: ModbusTarget): Buffer {
  const fc = pdu[0] ?? 0;
  if (fc >= 1 && fc <= 4) return handleRead(fc, pdu, target);
  if (fc === 5 || fc === 6 || fc === 15 || fc === 16) {
    if (pdu.length < 5) return exceptionPdu(fc, ExceptionCode.IllegalDataValue);
    return handleWrite(fc, pdu, target);
  }
  return exceptionPdu(fc, ExceptionCode.IllegalFunction);
}
