import type { ByteOrder, DataType, DeviceProfile, RegisterDef } from './schema.js';

/** Pure register codec: 16-bit Modbus words <-> engineering values, per the profile's definition. */

export type Value = number | boolean | string;

const WORDS: Record<Exclude<DataType, 'string'>, number> = {
  bool: 1,
  int16: 1,
  uint16: 1,
  int32: 2,
  uint32: 2,
  float32: 2,
  float64: 4,
};

/** How many registers (or bits, for coils/discrete inputs) a definition occupies. */
export function registerSpan(def: Pick<RegisterDef, 'type' | 'length'>): number {
  return def.type === 'string' ? (def.length ?? 1) : WORDS[def.type];
}

export function isBitArea(def: Pick<RegisterDef, 'area'>): boolean {
  return def.area === 'coil' || def.area === 'discrete';
}

/** Reorders bytes from wire order into big-endian (the operation is its own inverse). */
function toBigEndian(words: readonly number[], order: ByteOrder): Buffer {
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const swapWords = order === 'CDAB' || order === 'DCBA';
  const ordered = swapWords ? [...words].reverse() : words;
  const buf = Buffer.alloc(ordered.length * 2);
  ordered.forEach((w, i) => {
    buf.writeUInt16BE(swapBytes ? ((w & 0xff) << 8) | (w >> 8) : w, i * 2);
  });
  return buf;
}

function fromBigEndian(buf: Buffer, order: ByteOrder): number[] {
  const words: number[] = [];
  for (let i = 0; i < buf.length; i += 2) words.push(buf.readUInt16BE(i));
  // toBigEndian is an involution on word arrays, so applying it again converts back.
  const back = toBigEndian(words, order);
  const out: number[] = [];
  for (let i = 0; i < back.length; i += 2) out.push(back.readUInt16BE(i));
  return out;
}

function readRaw(buf: Buffer, type: Exclude<DataType, 'bool' | 'string'>): number {
  switch (type) {
    case 'int16':
      return buf.readInt16BE(0);
    case 'uint16':
      return buf.readUInt16BE(0);
    case 'int32':
      return buf.readInt32BE(0);
    case 'uint32':
      return buf.readUInt32BE(0);
    case 'float32':
      return buf.readFloatBE(0);
    case 'float64':
      return buf.readDoubleBE(0);
  }
}

function writeRaw(buf: Buffer, type: Exclude<DataType, 'bool' | 'string'>, raw: number): void {
  switch (type) {
    case 'int16':
      buf.writeInt16BE(raw, 0);
      return;
    case 'uint16':
      buf.writeUInt16BE(raw, 0);
      return;
    case 'int32':
      buf.writeInt32BE(raw, 0);
      return;
    case 'uint32':
      buf.writeUInt32BE(raw, 0);
      return;
    case 'float32':
      buf.writeFloatBE(raw, 0);
      return;
    case 'float64':
      buf.writeDoubleBE(raw, 0);
      return;
  }
}

/** Rounds away binary noise from scaling (0.1 * 3 = 0.30000000000000004) without losing precision. */
function tidy(x: number): number {
  return Number.isFinite(x) ? Number.parseFloat(x.toPrecision(12)) : x;
}

export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** Decodes the words (or bits as 0/1) of one register definition into its engineering value. */
export function decodeRegister(def: RegisterDef, raw: readonly number[]): Value {
  const span = registerSpan(def);
  if (raw.length !== span) throw new DecodeError(`${def.name}: expected ${span} words, got ${raw.length}`);
  if (def.type === 'bool') return raw[0] !== 0;
  const order = def.byteOrder ?? 'ABCD';
  const buf = toBigEndian(raw, order);
  if (def.type === 'string') return buf.toString('latin1').replace(/[\0 ]+$/, '');
  const value = readRaw(buf, def.type);
  if (!Number.isFinite(value)) throw new DecodeError(`${def.name}: not a finite number (${value})`);
  return tidy(value * (def.scale ?? 1) + (def.offset ?? 0));
}

/** Encodes an engineering value into the words a device would hold (used by firmware-sim and writes). */
export function encodeRegister(def: RegisterDef, value: Value): number[] {
  if (def.type === 'bool') return [value ? 1 : 0];
  const span = registerSpan(def);
  const buf = Buffer.alloc(span * 2);
  if (def.type === 'string') {
    buf.write(String(value).slice(0, span * 2), 'latin1');
  } else {
    if (typeof value !== 'number') throw new DecodeError(`${def.name}: expected a number`);
    const unscaled = (value - (def.offset ?? 0)) / (def.scale ?? 1);
    const isFloat = def.type === 'float32' || def.type === 'float64';
    writeRaw(buf, def.type, isFloat ? unscaled : clampInt(def.type as IntType, Math.round(unscaled)));
  }
  return fromBigEndian(buf, def.byteOrder ?? 'ABCD');
}

type IntType = 'int16' | 'uint16' | 'int32' | 'uint32';

function clampInt(type: IntType, x: number): number {
  const [min, max] = {
    int16: [-0x8000, 0x7fff],
    uint16: [0, 0xffff],
    int32: [-0x80000000, 0x7fffffff],
    uint32: [0, 0xffffffff],
  }[type] as [number, number];
  return Math.min(max, Math.max(min, x));
}

/** The value range a counter wraps at (for wrap-around handling at the edge). */
export function counterModulus(def: RegisterDef): number | undefined {
  const raw = { uint16: 0x10000, uint32: 0x100000000, int16: 0x10000, int32: 0x100000000 }[
    def.type as 'uint16'
  ];
  return raw === undefined ? undefined : raw * (def.scale ?? 1);
}

export function findRegister(profile: DeviceProfile, name: string): RegisterDef | undefined {
  return profile.registers.find((r) => r.name === name);
}
