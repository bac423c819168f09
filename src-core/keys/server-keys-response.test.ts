import { beforeAll, describe, expect, it } from 'vitest';
import { serverKeysResponse } from '../key-api/server-keys';
import { encodeBase64 } from '../rules/base64';
import type { JsonObject } from '../rules/json';
import { signJson } from '../rules/signing/sign-json';
import type { SigningKey } from '../rules/signing/signing-key';
import { signingKeyFromSeed } from '../rules/signing/signing-key';
import { initCrypto } from '../rules/signing/sodium';
import { ServerKeysError, verifyServerKeysResponse } from './server-keys-response';

let key: SigningKey;
let other: SigningKey;

beforeAll(async () => {
  await initCrypto();
  key = signingKeyFromSeed(new Uint8Array(32).fill(1), 'a');
  other = signingKeyFromSeed(new Uint8Array(32).fill(2), 'b');
});

function unsigned(extra: JsonObject = {}): JsonObject {
  return {
    server_name: 'b.example',
    valid_until_ts: 5_000,
    verify_keys: { [key.keyId]: { key: encodeBase64(key.publicKey) } },
    old_verify_keys: {},
    ...extra,
  };
}

describe('verifyServerKeysResponse', () => {
  it('accepts a self-signed response and reports current and old keys', () => {
    const response = signJson(
      unsigned({
        old_verify_keys: {
          [other.keyId]: { key: encodeBase64(other.publicKey), expired_ts: 1_000 },
        },
      }),
      'b.example',
      key,
    );
    const verified = verifyServerKeysResponse('b.example', response);
    expect(verified.validUntilTs).toBe(5_000);
    expect(verified.keys.map((k) => [k.keyId, k.expiredTs])).toEqual([
      [key.keyId, undefined],
      [other.keyId, 1_000],
    ]);
    expect(verified.keys[0]?.publicKey).toEqual(key.publicKey);
  });

  it('accepts what our own key endpoint serves', () => {
    const verified = verifyServerKeysResponse('b.example', serverKeysResponse('b.example', key, 0));
    expect(verified.keys).toHaveLength(1);
  });

  it.each([
    ['another server name', () => signJson(unsigned(), 'b.example', key), 'c.example', /for "b/],
    ['no signature', () => unsigned(), 'b.example', /not self-signed/],
    [
      'a signature by a key it does not list',
      () => signJson(unsigned(), 'b.example', other),
      'b.example',
      /not self-signed/,
    ],
    [
      'a tampered body',
      () => ({ ...signJson(unsigned(), 'b.example', key), valid_until_ts: 9_999_999 }),
      'b.example',
      /does not verify/,
    ],
    [
      'a short key',
      () => signJson(unsigned({ verify_keys: { 'ed25519:x': { key: 'AAAA' } } }), 'b.example', key),
      'b.example',
      /32-byte/,
    ],
    [
      'an old key without expired_ts',
      () =>
        signJson(
          unsigned({ old_verify_keys: { [other.keyId]: { key: encodeBase64(other.publicKey) } } }),
          'b.example',
          key,
        ),
      'b.example',
      /expired_ts/,
    ],
    [
      'a float valid_until_ts',
      () => unsigned({ valid_until_ts: 1.5 }),
      'b.example',
      /valid_until_ts/,
    ],
  ])('refuses %s', (_name, build, serverName, message) => {
    expect(() => verifyServerKeysResponse(serverName, build())).toThrowError(ServerKeysError);
    expect(() => verifyServerKeysResponse(serverName, build())).toThrowError(message);
  });
});
