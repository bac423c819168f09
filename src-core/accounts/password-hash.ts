/**
 * Password hashing with scrypt (node:crypto, run on libuv's thread pool so the event loop stays
 * free). Stored as `scrypt$N$r$p$salt$hash` (salt and hash in unpadded base64) so parameters can
 * be raised later without invalidating existing hashes: verification reads them from the string.
 *
 * N=2^14, r=8, p=1 (16 MiB of memory per hash) measured 28 ms per hash on the 2-core development
 * machine (Node 20.20, 2026-11-26); 2^15 took 66 ms, over our 50 ms budget per login.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

export const DEFAULT_SCRYPT_PARAMETERS = { N: 2 ** 14, r: 8, p: 1 } as const;

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Refuse stored parameters that would let a corrupted row pin a CPU or exhaust memory. */
const MAX_LOG2_N = 20;

export interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

function scryptAsync(
  password: string,
  salt: Buffer,
  length: number,
  parameters: ScryptParameters,
): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) would reject N=2^15, r=8.
  const options: ScryptOptions = { ...parameters, maxmem: 256 * parameters.N * parameters.r };
  return new Promise((resolve, reject) => {
    // NFKC first, as Synapse does, so the same password typed on two keyboards/OSes matches.
    scrypt(password.normalize('NFKC'), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(
  password: string,
  parameters: ScryptParameters = DEFAULT_SCRYPT_PARAMETERS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(password, salt, HASH_BYTES, parameters);
  const { N, r, p } = parameters;
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

function parseStoredHash(
  stored: string,
): { parameters: ScryptParameters; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^\d{1,10}$/.test(part) ? Number(part) : NaN));
  if (N === undefined || r === undefined || p === undefined) return undefined;
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > 2 ** MAX_LOG2_N || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16)) {
    return undefined;
  }
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const hash = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length === 0 || hash.length < 16) return undefined;
  return { parameters: { N, r, p }, salt, hash };
}

/**
 * True when `password` matches `stored`. A malformed stored hash never matches (and is not an
 * exception: the caller answers "wrong credentials" either way).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStoredHash(stored);
  if (!parsed) return false;
  const candidate = await scryptAsync(password, parsed.salt, parsed.hash.length, parsed.parameters);
  return timingSafeEqual(candidate, parsed.hash);
}

/**
 * Burns the same time as a real verification, for unknown users, so response timing does not
 * reveal which user IDs exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await scryptAsync(password, Buffer.alloc(SALT_BYTES), HASH_BYTES, DEFAULT_SCRYPT_PARAMETERS);
  return false;
}
