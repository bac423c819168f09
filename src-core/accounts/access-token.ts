/**
 * Access tokens: 32 random bytes, base64url, with a `skt_` prefix so a leaked token is
 * recognisable in logs and by secret scanners. Only the SHA-256 of a token is stored (a copied
 * database must not hand out sessions); SHA-256 without salt is enough because the token itself
 * carries 256 bits of entropy.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';

export const ACCESS_TOKEN_PREFIX = 'skt_';
const TOKEN_BYTES = 32;

export function generateAccessToken(): string {
  return ACCESS_TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
}

export function hashAccessToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Device IDs the server makes up: 10 upper-case letters, like Synapse's, easy to read aloud. */
export function generateDeviceId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let id = '';
  for (let i = 0; i < 10; i++) id += alphabet[randomInt(alphabet.length)];
  return id;
}
