import { describe, expect, it } from 'vitest';
import {
  CryptoNotInitialisedError,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  ed25519Verify,
  initCrypto,
} from './sodium';

const seed = new Uint8Array(32).fill(7);
const message = new TextEncoder().encode('hello');

// The order matters: the first test runs before libsodium has been initialised in this file.
describe('sodium', () => {
  it('throws a clear error when used before initCrypto()', () => {
    expect(() => ed25519PublicKeyFromSeed(seed)).toThrow(CryptoNotInitialisedError);
    expect(() => ed25519PublicKeyFromSeed(seed)).toThrow(/await initCrypto\(\)/);
    expect(() => ed25519Verify(new Uint8Array(64), message, new Uint8Array(32))).toThrow(
      CryptoNotInitialisedError,
    );
  });

  it('signs and verifies synchronously after initCrypto()', async () => {
    await initCrypto();
    await initCrypto(); // idempotent
    const publicKey = ed25519PublicKeyFromSeed(seed);
    expect(publicKey).toHaveLength(32);
    const signature = ed25519Sign(message, seed, publicKey);
    expect(signature).toHaveLength(64);
    expect(ed25519Sign(message, seed, publicKey)).toEqual(signature); // deterministic
    expect(ed25519Verify(signature, message, publicKey)).toBe(true);
    expect(ed25519Verify(signature, new TextEncoder().encode('hellO'), publicKey)).toBe(false);
  });

  it('answers false, not a throw, for malformed signatures and keys', async () => {
    await initCrypto();
    const publicKey = ed25519PublicKeyFromSeed(seed);
    const signature = ed25519Sign(message, seed, publicKey);
    expect(ed25519Verify(signature.subarray(0, 63), message, publicKey)).toBe(false);
    expect(ed25519Verify(signature, message, publicKey.subarray(0, 31))).toBe(false);
    expect(ed25519Verify(signature, message, new Uint8Array(32))).toBe(false);
    expect(() => ed25519PublicKeyFromSeed(new Uint8Array(31))).toThrow('32 bytes');
  });
});
