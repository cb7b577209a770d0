import {
  decodeRegister,
  type FieldValue,
  type RegisterDef,
  registerSpan,
} from '../../protocols/src/index.js';
import { tidy12 } from './tidy.js';

/**
 * Register decoders compiled once per profile for the polling hot path. They give exactly what
 * protocols' decodeRegister gives (test/edge/decode.test.ts checks every type and byte order
 * against it) without its per-register Buffer, except that a non-finite float comes back as
 * NaN/±Infinity instead of throwing: the poller drops and counts it (plausibility.ts) rather than
 * failing the whole poll.
 */
export type WordDecoder = (words: readonly number[], at: number) => FieldValue;

const scratch = new DataView(new ArrayBuffer(8));

const swap16 = (w: number) => ((w & 0xff) << 8) | (w >> 8);

/** Same as codec's tidy: rounds away binary noise from scaling without losing precision. */
const tidy = tidy12;

/** Big-endian word i (0 = most significant) of a register spanning `span` words, per byte order. */
function wordReader(def: RegisterDef, span: number): (w: readonly number[], at: number, i: number) => number {
  const order = def.byteOrder ?? 'ABCD';
  const swapWords = order === 'CDAB' || order === 'DCBA';
  const swapBytes = order === 'BADC' || order === 'DCBA';
  if (!swapWords && !swapBytes) return (w, at, i) => w[at + i]!;
  if (swapWords && !swapBytes) return (w, at, i) => w[at + span - 1 - i]!;
  if (!swapWords) return (w, at, i) => swap16(w[at + i]!);
  return (w, at, i) => swap16(w[at + span - 1 - i]!);
}

function rawDecoder(def: RegisterDef): (w: readonly number[], at: number) => number {
  const span = registerSpan(def);
  const word = wordReader(def, span);
  switch (def.type) {
    case 'uint16':
      return (w, at) => word(w, at, 0);
    case 'int16':
      return (w, at) => (word(w, at, 0) << 16) >> 16;
    case 'uint32':
      return (w, at) => word(w, at, 0) * 0x10000 + word(w, at, 1);
    case 'int32':
      return (w, at) => (word(w, at, 0) << 16) | word(w, at, 1);
    case 'float32':
      return (w, at) => {
        scratch.setUint16(0, word(w, at, 0));
        scratch.setUint16(2, word(w, at, 1));
        return scratch.getFloat32(0);
      };
    case 'float64':
      return (w, at) => {
        for (let i = 0; i < 4; i++) scratch.setUint16(2 * i, word(w, at, i));
        return scratch.getFloat64(0);
      };
    default:
      throw new Error(`no raw decoder for ${def.type}`);
  }
}

export function compileDecoder(def: RegisterDef): WordDecoder {
  if (def.type === 'bool') return (w, at) => w[at] !== 0;
  if (def.type === 'string') {
    const span = registerSpan(def);
    return (w, at) => decodeRegister(def, w.slice(at, at + span));
  }
  const raw = rawDecoder(def);
  const scale = def.scale ?? 1;
  const offset = def.offset ?? 0;
  const isInt = def.type !== 'float32' && def.type !== 'float64';
  // An integer times 1 plus 0 is exact: the rounding would change nothing.
  if (isInt && scale === 1 && offset === 0) return raw;
  return (w, at) => tidy(raw(w, at) * scale + offset);
}
