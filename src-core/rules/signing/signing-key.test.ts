import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../base64';
import { SPEC_SEED_BASE64 } from './fixtures/spec-vectors';
import {
  SigningKeyError,
  parseSigningKeyFile,
  parseSigningKeyLine,
  serialiseSigningKey,
  signingKeyFromSeed,
} from './signing-key';
import { initCrypto } from './sodium';

beforeAll(async () => {
  await initCrypto();
});

describe('signingKeyFromSeed', () => {
  it('derives the public key of the spec test-vector seed', () => {
    const key = signingKeyFromSeed(decodeBase64(SPEC_SEED_BASE64), '1');
    expect(key.algorithm).toBe('ed25519');
    expect(key.version).toBe('1');
    expect(key.keyId).toBe('ed25519:1');
    // What Python's signedjson derives from this seed too.
    expect(encodeBase64(key.publicKey)).toBe('XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI');
  });

  it('copies the seed so later changes to the caller buffer do not change the key', () => {
    const seed = new Uint8Array(32).fill(1);
    const key = signingKeyFromSeed(seed, 'a_1');
    seed.fill(2);
    expect(key.seed).toEqual(new Uint8Array(32).fill(1));
  });

  it.each(['', 'a:b', 'a b', 'ü', 'a-b'])('rejects key version %j', (version) => {
    expect(() => signingKeyFromSeed(new Uint8Array(32), version)).toThrow(SigningKeyError);
  });

  it('rejects seeds that are not 32 bytes', () => {
    expect(() => signingKeyFromSeed(new Uint8Array(64), 'a')).toThrow('must be 32 bytes, got 64');
  });
});

describe("Synapse's signing key file", () => {
  const line = `ed25519 a_AbC1 ${SPEC_SEED_BASE64}`;

  it('parses a line and writes it back', () => {
    const key = parseSigningKeyLine(line);
    expect(key.keyId).toBe('ed25519:a_AbC1');
    expect(key.seed).toEqual(decodeBase64(SPEC_SEED_BASE64));
    // The spec's seed has non-zero trailing bits in its last character ("1"); the canonical
    // encoding of the same 32 bytes ends in "0", as signedjson also writes it.
    expect(serialiseSigningKey(key)).toBe(`ed25519 a_AbC1 ${SPEC_SEED_BASE64.slice(0, -1)}0\n`);
    const canonical = `ed25519 a_x ${encodeBase64(new Uint8Array(32).fill(200))}\n`;
    expect(serialiseSigningKey(parseSigningKeyLine(canonical))).toBe(canonical);
  });

  it('accepts a padded seed', () => {
    expect(parseSigningKeyLine(`ed25519 1 ${SPEC_SEED_BASE64}=`).seed).toEqual(
      decodeBase64(SPEC_SEED_BASE64),
    );
  });

  it('parses several keys and skips blank lines', () => {
    const other = encodeBase64(new Uint8Array(32).fill(9));
    const keys = parseSigningKeyFile(`${line}\n\ned25519 old ${other}\r\n`);
    expect(keys.map((k) => k.keyId)).toEqual(['ed25519:a_AbC1', 'ed25519:old']);
  });

  it.each([
    ['ed25519 1', '2 field(s)'],
    [`curve25519 1 ${SPEC_SEED_BASE64}`, 'unsupported signing key algorithm'],
    ['ed25519 1 not*base64', 'not base64'],
    ['ed25519 1 AAAA', 'must be 32 bytes, got 3'],
  ])('rejects %j', (text, reason) => {
    expect(() => parseSigningKeyLine(text)).toThrow(reason);
  });

  it('names the failing line of a file', () => {
    expect(() => parseSigningKeyFile(`${line}\nbad`)).toThrow('line 2');
  });
});
