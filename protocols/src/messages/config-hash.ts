import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level: the same config built by the cloud (from a
 * database) and re-serialised by the edge (from a file) hashes the same, whatever the key order.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 (hex) of the canonical JSON of a config body: the integrity check of a remote config. */
export function configHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}
