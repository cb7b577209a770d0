import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { DeviceProfile } from './schema.js';
import { validateProfile } from './validate.js';

/** The profiles shipped with Linli. Installers may point PROFILES_DIR at a folder of their own too. */
export const BUILTIN_PROFILES_DIR = fileURLToPath(new URL('../../profiles/', import.meta.url));

export class ProfileFileError extends Error {
  override name = 'ProfileFileError';
}

export function loadProfileFile(path: string): DeviceProfile {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ProfileFileError(`${path}: cannot read profile: ${(err as Error).message}`);
  }
  try {
    return validateProfile(doc);
  } catch (err) {
    throw new ProfileFileError(`${path}: ${(err as Error).message}`);
  }
}

/** Loads every *.yaml profile in the folders given; later folders may not redefine a model. */
export function loadProfiles(dirs: readonly string[] = [BUILTIN_PROFILES_DIR]): Map<string, DeviceProfile> {
  const profiles = new Map<string, DeviceProfile>();
  for (const dir of dirs) {
    for (const file of readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()) {
      const path = join(dir, file);
      const profile = loadProfileFile(path);
      if (profiles.has(profile.model))
        throw new ProfileFileError(`${path}: model "${profile.model}" is defined twice`);
      profiles.set(profile.model, profile);
    }
  }
  return profiles;
}
