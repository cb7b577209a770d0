import {
  type DeviceProfile,
  type FieldValue,
  type FunctionArea,
  type RegisterDef,
  registerSpan,
} from '../../protocols/src/index.js';
import { compileDecoder, type WordDecoder } from './decode.js';

/** One register of a block: where its words start in the block's answer, and its decoder. */
export interface BlockField {
  reg: RegisterDef;
  /** reg.name, one property load nearer for the hot path. */
  name: string;
  at: number;
  decode: WordDecoder;
}

export interface ReadBlock {
  area: FunctionArea;
  address: number;
  count: number;
  registers: RegisterDef[];
  /** The registers again, compiled for the polling hot path. */
  fields: BlockField[];
  /**
   * Decodes the block's answer (data bytes at bytes[off..]) into `values`, field by field in
   * register order: one generated function per block whose stores name their fields, so each
   * store is a fast monomorphic property add instead of a megamorphic keyed one.
   */
  decodeInto: (bytes: Uint8Array, off: number, values: Record<string, FieldValue>) => void;
}

/** Registers read through between two defined ones. 0: many real devices answer 0x02 for undefined addresses. */
const MAX_GAP = 0;

/**
 * Merges a profile's registers into as few Modbus requests as its limits allow: adjacent (or nearly
 * adjacent) registers of one function area share a request, up to maxRegistersPerRead.
 */
export function planReads(profile: DeviceProfile): ReadBlock[] {
  const limit = profile.maxRegistersPerRead ?? 125;
  const blocks: ReadBlock[] = [];
  const sorted = [...profile.registers].sort((a, b) =>
    a.area === b.area ? a.address - b.address : a.area < b.area ? -1 : 1,
  );
  for (const reg of sorted) {
    const span = registerSpan(reg);
    const last = blocks[blocks.length - 1];
    const bitLimit = reg.area === 'coil' || reg.area === 'discrete' ? 2000 : limit;
    if (
      last &&
      last.area === reg.area &&
      reg.address - (last.address + last.count) <= MAX_GAP &&
      reg.address + span - last.address <= bitLimit
    ) {
      last.count = Math.max(last.count, reg.address + span - last.address);
      last.registers.push(reg);
    } else {
      blocks.push({
        area: reg.area,
        address: reg.address,
        count: span,
        registers: [reg],
        fields: [],
        decodeInto: () => undefined,
      });
    }
  }
  for (const block of blocks) {
    block.fields = block.registers.map((reg) => ({
      reg,
      name: reg.name,
      at: reg.address - block.address,
      decode: compileDecoder(reg),
    }));
    block.decodeInto = compileBlockDecoder(block.fields);
  }
  return blocks;
}

function compileBlockDecoder(fields: BlockField[]): ReadBlock['decodeInto'] {
  // Names are quoted as JSON string literals: a constant key compiles to a named store.
  const body = fields.map((f, i) => `v[${JSON.stringify(f.name)}] = d${i}(b, o, ${f.at});`).join('\n');
  const params = fields.map((_, i) => `d${i}`);
  const make = new Function(...params, `return function decodeInto(b, o, v) {\n${body}\n};`);
  return make(...fields.map((f) => f.decode)) as ReadBlock['decodeInto'];
}
