import { describe, expect, it } from 'vitest';
import { loadProfiles } from '../../protocols/src/index.js';

// The shipped profiles must cover every device type of the community and the vendor encodings the
// edge has to cope with, so a decoder bug in any of them shows up in the tests.
describe('built-in profiles', () => {
  const profiles = [...loadProfiles().values()];
  const registers = profiles.flatMap((p) => p.registers);

  it('cover every community device type', () => {
    expect(new Set(profiles.map((p) => p.deviceType))).toEqual(
      new Set(['door_sensor', 'env_sensor', 'water_meter', 'power_meter', 'bin_sensor']),
    );
  });

  it('use every byte order for multi-word values', () => {
    const orders = new Set(
      registers.filter((r) => r.type !== 'string' && r.byteOrder).map((r) => r.byteOrder),
    );
    expect(orders).toEqual(new Set(['ABCD', 'CDAB', 'BADC', 'DCBA']));
  });

  it('use all four Modbus areas and scaled, offset and float encodings', () => {
    expect(new Set(registers.map((r) => r.area))).toEqual(new Set(['coil', 'discrete', 'holding', 'input']));
    expect(registers.some((r) => r.type === 'int16' && r.scale !== undefined)).toBe(true);
    expect(registers.some((r) => r.offset !== undefined)).toBe(true);
    expect(registers.some((r) => r.type === 'float32' && r.byteOrder === 'CDAB')).toBe(true);
    expect(registers.some((r) => r.type === 'uint32' && r.kind === 'counter')).toBe(true);
  });

  it('carry a test vector for every register', () => {
    for (const p of profiles) {
      const tested = new Set(p.testVectors.map((tv) => tv.register));
      expect(p.registers.filter((r) => !tested.has(r.name)).map((r) => `${p.model}.${r.name}`)).toEqual([]);
    }
  });
});
