import { type Issue, SchemaError } from '../validation.js';
import { decodeRegister, isBitArea, registerSpan } from './codec.js';
import { type DeviceProfile, profileParser } from './schema.js';

/** Rules a schema cannot express: names unique, areas fit types, no overlapping registers, vectors hold. */
function semanticIssues(profile: DeviceProfile): Issue[] {
  const issues: Issue[] = [];
  const names = new Set<string>();
  const used = new Map<string, string>(); // "area:address" -> register name
  profile.registers.forEach((reg, i) => {
    const at = `/registers/${i}`;
    if (names.has(reg.name))
      issues.push({ path: `${at}/name`, message: `duplicate register name "${reg.name}"` });
    names.add(reg.name);
    if (isBitArea(reg) !== (reg.type === 'bool'))
      issues.push({
        path: `${at}/type`,
        message: `type ${reg.type} does not fit area ${reg.area} (bool <-> coil/discrete)`,
      });
    if ((reg.type === 'string') !== (reg.length !== undefined))
      issues.push({
        path: `${at}/length`,
        message: 'length is required for type string and only allowed there',
      });
    if (reg.scale === 0) issues.push({ path: `${at}/scale`, message: 'scale must not be 0' });
    if (reg.min !== undefined && reg.max !== undefined && reg.min > reg.max)
      issues.push({ path: `${at}/min`, message: `min ${reg.min} is above max ${reg.max}` });
    if ((reg.min !== undefined || reg.max !== undefined) && (reg.type === 'bool' || reg.type === 'string'))
      issues.push({ path: `${at}/min`, message: `a plausible range needs a numeric type, not ${reg.type}` });
    const span = registerSpan(reg);
    if (reg.address + span > 65536)
      issues.push({ path: `${at}/address`, message: 'register runs past 65535' });
    for (let a = reg.address; a < reg.address + span; a++) {
      const key = `${reg.area}:${a}`;
      const other = used.get(key);
      if (other) issues.push({ path: `${at}/address`, message: `overlaps "${other}" at ${reg.area} ${a}` });
      used.set(key, reg.name);
    }
  });
  profile.testVectors.forEach((tv, i) => {
    const at = `/testVectors/${i}`;
    const reg = profile.registers.find((r) => r.name === tv.register);
    if (!reg) {
      issues.push({ path: `${at}/register`, message: `no register named "${tv.register}"` });
      return;
    }
    try {
      const got = decodeRegister(reg, tv.raw);
      const ok =
        typeof got === 'number' && typeof tv.value === 'number'
          ? Math.abs(got - tv.value) <= 1e-6 * Math.max(1, Math.abs(tv.value))
          : got === tv.value;
      if (!ok)
        issues.push({
          path: `${at}/value`,
          message: `decodes to ${JSON.stringify(got)}, vector says ${JSON.stringify(tv.value)}`,
        });
    } catch (err) {
      issues.push({ path: `${at}/raw`, message: (err as Error).message });
    }
  });
  return issues;
}

/** Validates an untrusted profile object: schema first, then semantic rules and its own test vectors. */
export function validateProfile(input: unknown): DeviceProfile {
  const profile = profileParser.parse(input);
  const issues = semanticIssues(profile);
  if (issues.length > 0) throw new SchemaError(`device profile "${profile.model}"`, issues);
  return profile;
}
