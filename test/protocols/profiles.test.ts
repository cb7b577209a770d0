import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeRegister,
  encodeRegister,
  loadProfileFile,
  loadProfiles,
  type RegisterDef,
  validateProfile,
} from '../../protocols/src/index.js';

describe('device profiles', () => {
  const profiles = loadProfiles();

  it('ships the built-in profiles', () => {
    expect(profiles.has('linli-wm-100')).toBe(true);
  });

  for (const profile of profiles.values()) {
    describe(profile.model, () => {
      for (const tv of profile.testVectors) {
        it(`decodes ${tv.register} ${JSON.stringify(tv.raw)} -> ${JSON.stringify(tv.value)}`, () => {
          const reg = profile.registers.find((r) => r.name === tv.register)!;
          const got = decodeRegister(reg, tv.raw);
          if (typeof tv.value === 'number') expect(got).toBeCloseTo(tv.value, 6);
          else expect(got).toBe(tv.value);
          // Encoding the value again must reproduce the vendor's bytes exactly (the simulator relies on it).
          expect(encodeRegister(reg, tv.value)).toEqual(tv.raw);
        });
      }
    });
  }
});

describe('codec byte orders', () => {
  const base = { name: 'x', area: 'holding', address: 0, kind: 'gauge' } as const;
  const cases: Array<[RegisterDef['byteOrder'], number[]]> = [
    ['ABCD', [0x1122, 0x3344]],
    ['CDAB', [0x3344, 0x1122]],
    ['BADC', [0x2211, 0x4433]],
    ['DCBA', [0x4433, 0x2211]],
  ];
  for (const [order, words] of cases) {
    it(`uint32 0x11223344 in ${order}`, () => {
      const def: RegisterDef = { ...base, type: 'uint32', byteOrder: order };
      expect(decodeRegister(def, words)).toBe(0x11223344);
      expect(encodeRegister(def, 0x11223344)).toEqual(words);
    });
  }
  it('float64 round-trips in every order', () => {
    for (const [order] of cases) {
      const def: RegisterDef = { ...base, type: 'float64', byteOrder: order };
      expect(decodeRegister(def, encodeRegister(def, -1234.5678))).toBe(-1234.5678);
    }
  });
  it('strings are ASCII, two characters per register, trailing NULs trimmed', () => {
    const def: RegisterDef = { ...base, type: 'string', length: 4, kind: 'state' };
    expect(encodeRegister(def, 'SN42')).toEqual([0x534e, 0x3432, 0, 0]);
    expect(decodeRegister(def, [0x534e, 0x3432, 0, 0])).toBe('SN42');
  });
  it('rejects the wrong number of words', () => {
    expect(() => decodeRegister({ ...base, type: 'int32' }, [1])).toThrow(/expected 2 words/);
  });
});

describe('invalid profiles are rejected with the field and the reason', () => {
  const good = {
    schemaVersion: 1,
    model: 'test-1',
    deviceType: 'other',
    registers: [{ name: 'a', area: 'holding', address: 0, type: 'uint16', kind: 'gauge' }],
    testVectors: [{ register: 'a', raw: [5], value: 5 }],
  };
  it('accepts a good one', () => {
    expect(validateProfile(good).model).toBe('test-1');
  });
  it('names a bad type', () => {
    const bad = { ...good, registers: [{ ...good.registers[0], type: 'uint128' }] };
    expect(() => validateProfile(bad)).toThrow(/\/registers\/0\/type/);
  });
  it('names overlapping registers', () => {
    const bad = {
      ...good,
      registers: [
        good.registers[0],
        { name: 'b', area: 'holding', address: 0, type: 'int32', kind: 'gauge' },
      ],
    };
    expect(() => validateProfile(bad)).toThrow(/registers\/1\/address overlaps "a"/);
  });
  it('names a test vector that does not hold', () => {
    const bad = { ...good, testVectors: [{ register: 'a', raw: [5], value: 6 }] };
    expect(() => validateProfile(bad)).toThrow(/testVectors\/0\/value decodes to 5/);
  });
  it('names the file of a bad profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-prof-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'schemaVersion: 1\nmodel: Bad Model\n');
    expect(() => loadProfileFile(file)).toThrow(
      /broken\.yaml: invalid device profile: .*\/model must match pattern/,
    );
  });
});
