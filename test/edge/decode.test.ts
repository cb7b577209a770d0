import { describe, expect, it } from 'vitest';
import { compileDecoder, valuesToBytes } from '../../edge/src/decode.js';
import { RangeGuard } from '../../edge/src/plausibility.js';
import {
  type ByteOrder,
  type DataType,
  type DeviceProfile,
  decodeRegister,
  loadProfiles,
  type RegisterDef,
  registerSpan,
  SchemaError,
  validateProfile,
} from '../../protocols/src/index.js';

const ORDERS: ByteOrder[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];
const TYPES: DataType[] = ['int16', 'uint16', 'int32', 'uint32', 'float32', 'float64'];

/** decodeRegister throws on a non-finite float; the compiled decoder returns it (the guard drops it). */
function reference(def: RegisterDef, words: number[]): number | boolean | string {
  try {
    return decodeRegister(def, words);
  } catch {
    return Number.NaN;
  }
}

describe('compiled register decoders', () => {
  it('decode exactly as the protocol codec for every type, byte order, scale and offset', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed & 0xffff;
    };
    let compared = 0;
    for (const type of TYPES)
      for (const byteOrder of ORDERS)
        for (const [scale, offset] of [
          [undefined, undefined],
          [0.1, undefined],
          [0.01, -40],
          [3, 0.5],
        ] as const) {
          const def: RegisterDef = { name: 'x', area: 'holding', address: 0, type, byteOrder, kind: 'gauge' };
          if (scale !== undefined) def.scale = scale;
          if (offset !== undefined) def.offset = offset;
          const decode = compileDecoder(def);
          const span = registerSpan(def);
          for (let n = 0; n < 200; n++) {
            const words = Array.from({ length: span }, rand);
            if (n === 0) words.fill(0xffff);
            // Read from the middle of a longer answer, as a block does, whose data starts at an odd
            // byte of the receive buffer.
            const bytes = Buffer.concat([
              Buffer.from([0xaa, 0xbb, 0xcc]),
              valuesToBytes('holding', [1, 2, ...words, 3]),
            ]);
            const got = decode(bytes, 3, 2);
            const want = reference(def, words);
            if (Number.isNaN(want)) expect(got).toBeNaN();
            else expect(got).toBe(want);
            compared++;
          }
        }
    expect(compared).toBe(TYPES.length * ORDERS.length * 4 * 200);
  });

  it("hold every shipped profile's test vectors", () => {
    for (const profile of loadProfiles().values()) {
      for (const tv of profile.testVectors) {
        const reg = profile.registers.find((r) => r.name === tv.register)!;
        const got = compileDecoder(reg)(valuesToBytes(reg.area, tv.raw), 0, 0);
        expect(got, `${profile.model}.${reg.name}`).toEqual(tv.value);
      }
    }
  });

  it('read bits packed as on the wire (LSB first), at any bit of the block, and bool words', () => {
    const bits = Array.from({ length: 21 }, (_, i) => (i % 3 === 0 || i === 20 ? 1 : 0));
    const packed = Buffer.concat([Buffer.from([0xff]), valuesToBytes('discrete', bits)]);
    for (let at = 0; at < bits.length; at++) {
      const def: RegisterDef = { name: 'b', area: 'discrete', address: at, type: 'bool', kind: 'event' };
      expect(compileDecoder(def)(packed, 1, at), `bit ${at}`).toBe(bits[at] === 1);
    }
    const word: RegisterDef = { name: 'w', area: 'holding', address: 0, type: 'bool', kind: 'state' };
    const words = valuesToBytes('holding', [0, 0x0100, 0x0001, 0]);
    expect([0, 1, 2, 3].map((at) => compileDecoder(word)(words, 0, at))).toEqual([false, true, true, false]);
  });
});

describe('plausible ranges in profiles', () => {
  const wm = loadProfiles().get('linli-wm-100')!;

  it('the shipped water meter drops 0xFFFF garbage, NaN and infinities, and keeps what is plausible', () => {
    const guard = new RangeGuard(wm);
    const values = {
      total_litres: 4_294_967_295,
      flow_lpm: Number.NaN,
      battery_pct: 65_535,
      water_temp_c: -0.1,
      leak: true,
    };
    expect(guard.check(values).sort()).toEqual(['battery_pct', 'flow_lpm', 'total_litres']);
    expect(values).toEqual({ water_temp_c: -0.1, leak: true });
    const inf = { flow_lpm: Number.POSITIVE_INFINITY, battery_pct: 100, water_temp_c: 85 };
    expect(guard.check(inf)).toEqual(['flow_lpm']);
    expect(inf).toEqual({ battery_pct: 100, water_temp_c: 85 });
  });

  it('a register without bounds still loses non-finite values', () => {
    const profile: DeviceProfile = {
      ...wm,
      registers: [{ name: 'f', area: 'holding', address: 0, type: 'float32', kind: 'gauge' }],
    };
    const values = { f: Number.NEGATIVE_INFINITY };
    expect(new RangeGuard(profile).check(values)).toEqual(['f']);
  });

  it('a profile with min above max, or a range on a bool, is rejected with the path', () => {
    const bad = structuredClone(wm) as DeviceProfile;
    bad.registers[2]!.min = 101;
    bad.registers[2]!.max = 100;
    bad.registers[4]!.max = 1;
    expect(() => validateProfile(bad)).toThrow(SchemaError);
    expect(() => validateProfile(bad)).toThrow(/registers\/2\/min.*min 101 is above max 100/s);
    expect(() => validateProfile(bad)).toThrow(/registers\/4\/min.*numeric type, not bool/s);
  });
});
