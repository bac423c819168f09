/**
 * Ed25519 via libsodium. libsodium-wrappers loads its WebAssembly asynchronously, so the process
 * awaits `initCrypto()` once at startup (and each test file in `beforeAll`); from then on every
 * function here, and everything built on it, is synchronous like the rest of the rules code.
 *
 * We keep no "initialised" flag of our own: libsodium-wrappers only attaches its functions to the
 * module once ready, so their presence is the state.
 */
import sodium from 'libsodium-wrappers';

export const ED25519_SEED_BYTES = 32;
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

/** Loads libsodium. Safe to call any number of times; resolves once it is usable. */
export async function initCrypto(): Promise<void> {
  await sodium.ready;
}

export class CryptoNotInitialisedError extends Error {
  constructor(operation: string) {
    super(
      `libsodium is not initialised (${operation}): await initCrypto() once at startup, ` +
        'and in beforeAll() of any test that signs or verifies',
    );
    this.name = 'CryptoNotInitialisedError';
  }
}

function ready(operation: string): typeof sodium {
  // Before `sodium.ready` resolves, the wrapper's functions are simply absent.
  if (typeof (sodium as Partial<typeof sodium>).crypto_sign_detached !== 'function') {
    throw new CryptoNotInitialisedError(operation);
  }
  return sodium;
}

/** The Ed25519 public key for a 32-byte seed. */
export function ed25519PublicKeyFromSeed(seed: Uint8Array): Uint8Array {
  if (seed.length !== ED25519_SEED_BYTES) {
    throw new Error(`an ed25519 seed is ${ED25519_SEED_BYTES} bytes, got ${seed.length}`);
  }
  return ready('ed25519PublicKeyFromSeed').crypto_sign_seed_keypair(seed).publicKey;
}

/** Detached Ed25519 signature of `message` (deterministic: same key and message, same bytes). */
export function ed25519Sign(
  message: Uint8Array,
  seed: Uint8Array,
  publicKey: Uint8Array,
): Uint8Array {
  const lib = ready('ed25519Sign');
  if (seed.length !== ED25519_SEED_BYTES || publicKey.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new Error('ed25519Sign needs a 32-byte seed and a 32-byte public key');
  }
  // libsodium's 64-byte secret key is the seed followed by the public key.
  const secretKey = new Uint8Array(ED25519_SEED_BYTES + ED25519_PUBLIC_KEY_BYTES);
  secretKey.set(seed, 0);
  secretKey.set(publicKey, ED25519_SEED_BYTES);
  return lib.crypto_sign_detached(message, secretKey);
}

/** Whether `signature` is a valid Ed25519 signature of `message`; malformed inputs are false. */
export function ed25519Verify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  const lib = ready('ed25519Verify');
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) return false;
  try {
    return lib.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    // libsodium throws on some invalid public keys (e.g. small-order points) instead of false.
    return false;
  }
}
