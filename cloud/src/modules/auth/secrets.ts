import { createHash, pbkdf2, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** scrypt cost for user passwords, which people choose: N=2^15, r=8 (~32 MiB, ~50-100 ms here). */
export const PASSWORD_COST: ScryptCost = { N: 32768, r: 8, p: 1 };
const KEY_LENGTH = 32;

/** Hashes a password or secret with scrypt: `scrypt$N$r$p$salt$hash` (base64), self-describing. */
export async function hashSecret(secret: string, cost: ScryptCost = PASSWORD_COST) {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, KEY_LENGTH, { ...cost, maxmem: 256 * cost.N * cost.r });
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time check of a secret against a hashSecret() string; false for malformed hashes. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const key = await scryptAsync(secret, Buffer.from(salt, 'base64'), expected.length, {
    ...cost,
    maxmem: 256 * cost.N * cost.r,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * Gateway secrets are 256 random bits, not chosen by people: no dictionary to guard against, so a
 * cheaper scrypt (N=2^14) keeps MQTT CONNECT bursts after a broker restart affordable.
 */
export const GATEWAY_SECRET_COST = { N: 16384, r: 8, p: 1 } as const;

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

// Crockford base32: no I, L, O, U, so a code read aloud or typed on a gateway console is unambiguous.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A one-time provisioning code: 16 symbols (80 bits) in groups of four, e.g. `7K3M-Q9XD-…`. */
export function provisioningCode(): string {
  const symbols = Array.from({ length: 16 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]);
  return [0, 4, 8, 12].map((i) => symbols.slice(i, i + 4).join('')).join('-');
}

/** Canonical form of a typed code: case, spaces and dashes do not matter. */
export function normalizeCode(code: string): string {
  const bare = code.toUpperCase().replace(/[\s-]/g, '');
  return bare.replace(/(.{4})(?=.)/g, '$1-');
}

/**
 * Codes are looked up by value, so their hash cannot be salted per row; SHA-256 is enough for an
 * 80-bit random code that expires within a day and works once.
 */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * A Mosquitto 2.x password-file hash (`$7$iterations$salt$hash`, PBKDF2-SHA512, 12-byte salt,
 * 64-byte key), the format `mosquitto_passwd` writes. 101 iterations is mosquitto_passwd's own
 * default; the secrets are 256 random bits, so iterations add nothing but CONNECT latency.
 */
export async function mosquittoHash(password: string, iterations = 101): Promise<string> {
  const salt = randomBytes(12);
  const key = await pbkdf2Async(password, salt, iterations, 64, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}
