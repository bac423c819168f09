/**
 * A server's Ed25519 signing key, and Synapse's signing-key file format: one key per line,
 * `ed25519 <version> <unpadded base64 seed>` (what signedjson's `write_signing_keys` writes and
 * `read_signing_keys` reads), so a key can move between Synapse and us.
 */
import { decodeBase64, encodeBase64 } from '../base64';
import { ED25519_SEED_BYTES, ed25519PublicKeyFromSeed } from './sodium';

export interface SigningKey {
  algorithm: 'ed25519';
  /** The part after the colon in the key ID. */
  version: string;
  /** `ed25519:<version>`, the key identifier used in `signatures` and key queries. */
  keyId: string;
  seed: Uint8Array;
  publicKey: Uint8Array;
}

/**
 * The key ID is `algorithm:version`, and the version "must have characters matching
 * `[a-zA-Z0-9_]`" (server-server API, `verify_keys` of GET /_matrix/key/v2/server). Synapse
 * generates versions like `a_AbCd`.
 */
const KEY_VERSION = /^[A-Za-z0-9_]+$/;

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

/** Builds the key from a 32-byte seed. Generating the seed (randomness) is the caller's job. */
export function signingKeyFromSeed(seed: Uint8Array, version: string): SigningKey {
  if (!KEY_VERSION.test(version)) {
    throw new SigningKeyError(`invalid key version ${JSON.stringify(version)}: want [A-Za-z0-9_]+`);
  }
  if (seed.length !== ED25519_SEED_BYTES) {
    throw new SigningKeyError(
      `ed25519 seed for key ${version} must be ${ED25519_SEED_BYTES} bytes, got ${seed.length}`,
    );
  }
  const ownSeed = new Uint8Array(seed);
  return {
    algorithm: 'ed25519',
    version,
    keyId: `ed25519:${version}`,
    seed: ownSeed,
    publicKey: ed25519PublicKeyFromSeed(ownSeed),
  };
}

/** Parses one `ed25519 <version> <base64 seed>` line (surrounding whitespace ignored). */
export function parseSigningKeyLine(line: string): SigningKey {
  const fields = line.trim().split(/\s+/);
  if (fields.length !== 3) {
    throw new SigningKeyError(
      `signing key line must be "ed25519 <version> <base64 seed>", got ${fields.length} field(s)`,
    );
  }
  const [algorithm, version, seedBase64] = fields as [string, string, string];
  if (algorithm !== 'ed25519') {
    throw new SigningKeyError(`unsupported signing key algorithm ${JSON.stringify(algorithm)}`);
  }
  let seed: Uint8Array;
  try {
    seed = decodeBase64(seedBase64);
  } catch (error) {
    throw new SigningKeyError(`signing key ${version}: seed is ${(error as Error).message}`);
  }
  return signingKeyFromSeed(seed, version);
}

/** Parses a whole signing-key file; blank lines are skipped, every other line must be a key. */
export function parseSigningKeyFile(text: string): SigningKey[] {
  const keys: SigningKey[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      keys.push(parseSigningKeyLine(line));
    } catch (error) {
      throw new SigningKeyError(`signing key file line ${index + 1}: ${(error as Error).message}`);
    }
  });
  return keys;
}

/** One line in Synapse's format, newline-terminated. */
export function serialiseSigningKey(key: SigningKey): string {
  return `${key.algorithm} ${key.version} ${encodeBase64(key.seed)}\n`;
}
