import {
  decodeRegister,
  type FieldValue,
  type FunctionArea,
  isBitArea,
  type RegisterDef,
  registerSpan,
} from '../../protocols/src/index.js';
import { tidy12 } from './tidy.js';

/**
 * Register decoders compiled once per profile for the polling hot path. They read the answer's
 * bytes where they lie (the Modbus client's receive buffer: no word array per answer) and give
 * exactly what protocols' decodeRegister gives for the same words (test/edge/decode.test.ts checks
 * every type and byte order against it), except that a non-finite float comes back as
 * NaN/±Infinity instead of throwing: the poller drops and counts it (plausibility.ts) rather than
 * failing the whole poll.
 *
 * `off` is where the block's data bytes start (words big-endian, or bits packed LSB first, as on
 * the wire); `at` is the register's word (or bit) index within the block.
 */
export type WordDecoder = (bytes: Uint8Array, off: number, at: number) => FieldValue;

const scratch = new DataView(new ArrayBuffer(8));

/** Same as codec's tidy: rounds away binary noise from scaling without losing precision. */
const tidy = tidy12;

/** A big-endian word at byte p, or with its two bytes swapped (BADC/DCBA byte orders). */
const wordBE = (b: Uint8Array, p: number) => (b[p]! << 8) | b[p + 1]!;
const wordSwapped = (b: Uint8Array, p: number) => (b[p + 1]! << 8) | b[p]!;

function rawDecoder(def: RegisterDef): (b: Uint8Array, off: number, at: number) => number {
  const span = registerSpan(def);
  const order = def.byteOrder ?? 'ABCD';
  const swapWords = order === 'CDAB' || order === 'DCBA';
  const word = order === 'BADC' || order === 'DCBA' ? wordSwapped : wordBE;
  /** Byte offset of the i-th most significant word from the register's first byte. */
  const o = (i: number) => 2 * (swapWords ? span - 1 - i : i);
  const [o0, o1, o2, o3] = [o(0), o(1), o(2), o(3)];
  switch (def.type) {
    case 'uint16':
      return (b, off, at) => word(b, off + 2 * at);
    case 'int16':
      return (b, off, at) => (word(b, off + 2 * at) << 16) >> 16;
    case 'uint32':
      return (b, off, at) => {
        const p = off + 2 * at;
        return word(b, p + o0) * 0x10000 + word(b, p + o1);
      };
    case 'int32':
      return (b, off, at) => {
        const p = off + 2 * at;
        return (word(b, p + o0) << 16) | word(b, p + o1);
      };
    case 'float32':
      return (b, off, at) => {
        const p = off + 2 * at;
        scratch.setUint16(0, word(b, p + o0));
        scratch.setUint16(2, word(b, p + o1));
        return scratch.getFloat32(0);
      };
    case 'float64':
      return (b, off, at) => {
        const p = off + 2 * at;
        scratch.setUint16(0, word(b, p + o0));
        scratch.setUint16(2, word(b, p + o1));
        scratch.setUint16(4, word(b, p + o2));
        scratch.setUint16(6, word(b, p + o3));
        return scratch.getFloat64(0);
      };
    default:
      throw new Error(`no raw decoder for ${def.type}`);
  }
}

export function compileDecoder(def: RegisterDef): WordDecoder {
  if (def.type === 'bool')
    return isBitArea(def)
      ? (b, off, at) => ((b[off + (at >> 3)]! >> (at & 7)) & 1) !== 0
      : (b, off, at) => (b[off + 2 * at]! | b[off + 2 * at + 1]!) !== 0;
  if (def.type === 'string') {
    const span = registerSpan(def);
    return (b, off, at) => {
      const words: number[] = [];
      for (let i = 0; i < span; i++) words.push(wordBE(b, off + 2 * (at + i)));
      return decodeRegister(def, words);
    };
  }
  const raw = rawDecoder(def);
  const scale = def.scale ?? 1;
  const offset = def.offset ?? 0;
  const isInt = def.type !== 'float32' && def.type !== 'float64';
  // An integer times 1 plus 0 is exact: the rounding would change nothing.
  if (isInt && scale === 1 && offset === 0) return raw;
  return (b, off, at) => tidy(raw(b, off, at) * scale + offset);
}

/**
 * Words (or bits as 0/1) as they travel in a Modbus answer: words big-endian, bits packed LSB
 * first. For reads that arrive as numbers (the serial bus, commands, tests) to be decoded alike.
 */
export function valuesToBytes(area: FunctionArea, values: readonly number[]): Buffer {
  if (isBitArea({ area })) {
    const out = Buffer.alloc((values.length + 7) >> 3);
    for (let i = 0; i < values.length; i++) if (values[i]) out[i >> 3] = out[i >> 3]! | (1 << (i & 7));
    return out;
  }
  const out = Buffer.alloc(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    out[2 * i] = (values[i]! >> 8) & 0xff;
    out[2 * i + 1] = values[i]! & 0xff;
  }
  return out;
}
