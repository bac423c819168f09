import { createHash } from 'node:crypto';

/** SHA-256 of some bytes. Hashing is pure, so node:crypto is fine inside the rules. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}
