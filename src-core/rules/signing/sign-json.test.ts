import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64 } from '../base64';
import type { JsonObject } from '../json';
import {
  SIGNED_EMPTY_OBJECT,
  SIGNED_OBJECT_WITH_DATA,
  SPEC_KEY_ID,
  SPEC_SEED_BASE64,
  SPEC_SERVER,
} from './fixtures/spec-vectors';
import { signJson, signableBytes } from './sign-json';
import type { SigningKey } from './signing-key';
import { signingKeyFromSeed } from './signing-key';
import { initCrypto } from './sodium';
import {
  checkSignatures,
  planSignatureCheck,
  settleSignaturePlan,
  verifyJsonSignature,
  verifyPlanHere,
} from './verify-json';

let key: SigningKey;
let otherKey: SigningKey;

beforeAll(async () => {
  await initCrypto();
  key = signingKeyFromSeed(decodeBase64(SPEC_SEED_BASE64), '1');
  otherKey = signingKeyFromSeed(new Uint8Array(32).fill(3), 'other');
});

describe('signJson: spec appendix "JSON Signing" vectors', () => {
  it('signs the empty object', () => {
    expect(key.keyId).toBe(SPEC_KEY_ID);
    expect(signJson({}, SPEC_SERVER, key)).toEqual(SIGNED_EMPTY_OBJECT);
  });

  it('signs an object with data', () => {
    expect(signJson({ one: 1, two: 'Two' }, SPEC_SERVER, key)).toEqual(SIGNED_OBJECT_WITH_DATA);
  });

  it('ignores signatures and unsigned when signing, and keeps both', () => {
    const input = {
      one: 1,
      two: 'Two',
      unsigned: { age_ts: 922834800000 },
      signatures: { 'other.example': { 'ed25519:x': 'c2ln' } },
    };
    const signed = signJson(input, SPEC_SERVER, key);
    expect(signed).toEqual({
      ...input,
      signatures: { ...input.signatures, ...SIGNED_OBJECT_WITH_DATA.signatures },
    });
    // Input untouched.
    expect(input.signatures).toEqual({ 'other.example': { 'ed25519:x': 'c2ln' } });
  });
});

describe('signJson: merging', () => {
  it('adds a second key of the same server and replaces a stale signature by the same key', () => {
    const once = signJson({ a: 1 }, 'example.org', key);
    const twice = signJson(once, 'example.org', otherKey);
    expect(Object.keys(twice.signatures['example.org'] as JsonObject)).toEqual([
      'ed25519:1',
      'ed25519:other',
    ]);
    const stale = { a: 1, signatures: { 'example.org': { 'ed25519:1': 'stale' } } };
    expect(signJson(stale, 'example.org', key)).toEqual(once);
  });

  it('refuses a non-object signatures member', () => {
    expect(() => signJson({ signatures: 'x' }, 's', key)).toThrow('"signatures" is not an object');
    expect(() => signJson({ signatures: { s: [] } }, 's', key)).toThrow('not an object');
  });

  it('refuses values that are not canonical JSON', () => {
    expect(() => signJson({ n: 1.5 }, 's', key)).toThrow('at $.n');
  });
});

describe('verifyJsonSignature', () => {
  it('accepts the spec vectors', () => {
    expect(verifyJsonSignature(SIGNED_EMPTY_OBJECT, SPEC_SERVER, SPEC_KEY_ID, key.publicKey)).toBe(
      true,
    );
    expect(
      verifyJsonSignature(SIGNED_OBJECT_WITH_DATA, SPEC_SERVER, SPEC_KEY_ID, key.publicKey),
    ).toBe(true);
  });

  it('ignores unsigned and extra signatures', () => {
    const value = {
      ...SIGNED_OBJECT_WITH_DATA,
      unsigned: { anything: true },
      signatures: { ...SIGNED_OBJECT_WITH_DATA.signatures, other: { 'ed25519:z': 'x' } },
    };
    expect(verifyJsonSignature(value, SPEC_SERVER, SPEC_KEY_ID, key.publicKey)).toBe(true);
  });

  it('accepts a padded or URL-safe spelling of the same signature', () => {
    const sig = SIGNED_OBJECT_WITH_DATA.signatures.domain['ed25519:1'];
    for (const spelling of [`${sig}==`, sig.replace(/\+/g, '-').replace(/\//g, '_')]) {
      const value = {
        ...SIGNED_OBJECT_WITH_DATA,
        signatures: { domain: { 'ed25519:1': spelling } },
      };
      expect(verifyJsonSignature(value, SPEC_SERVER, SPEC_KEY_ID, key.publicKey)).toBe(true);
    }
  });

  it('rejects tampering, wrong keys, wrong names and malformed signatures', () => {
    const good = SIGNED_OBJECT_WITH_DATA;
    const verify = (
      value: JsonObject,
      server = SPEC_SERVER,
      keyId = SPEC_KEY_ID,
      pk = key.publicKey,
    ) => verifyJsonSignature(value, server, keyId, pk);
    expect(verify({ ...good, one: 2 })).toBe(false);
    expect(verify({ ...good, three: 3 })).toBe(false);
    expect(verify(good, SPEC_SERVER, SPEC_KEY_ID, otherKey.publicKey)).toBe(false);
    expect(verify(good, 'other')).toBe(false);
    expect(verify(good, SPEC_SERVER, 'ed25519:2')).toBe(false);
    expect(verify({ ...good, signatures: { domain: { 'ed25519:1': '!!' } } })).toBe(false);
    expect(verify({ ...good, signatures: { domain: { 'ed25519:1': 'AAAA' } } })).toBe(false);
    expect(verify({ ...good, signatures: { domain: { 'ed25519:1': 5 } } })).toBe(false);
    expect(verify({ ...good, signatures: 'x' })).toBe(false);
    expect(verify({ one: 1, two: 'Two' })).toBe(false);
    expect(verify({ ...good, n: 1.5 })).toBe(false);
  });
});

describe('checkSignatures', () => {
  const keys: Record<string, Record<string, Uint8Array>> = {};
  const lookup = (server: string, keyId: string) => keys[server]?.[keyId];

  beforeAll(() => {
    keys['a.example'] = { [key.keyId]: key.publicKey };
    keys['b.example'] = { [otherKey.keyId]: otherKey.publicKey };
  });

  const signedByBoth = (): JsonObject =>
    signJson(signJson({ body: 'x' }, 'a.example', key), 'b.example', otherKey);

  it('passes when every required server signed with a known key', () => {
    expect(
      checkSignatures(signedByBoth(), ['a.example', 'b.example', 'a.example'], lookup),
    ).toEqual({ ok: true });
    expect(checkSignatures({}, [], lookup)).toEqual({ ok: true });
  });

  it('names the server that did not sign', () => {
    const value = signJson({ body: 'x' }, 'a.example', key);
    expect(checkSignatures(value, ['a.example', 'b.example'], lookup)).toEqual({
      ok: false,
      server: 'b.example',
      reason: 'no signatures from b.example',
    });
  });

  it('skips unknown keys and unknown algorithms but needs at least one known key', () => {
    const value = signedByBoth();
    const withExtras = {
      ...value,
      signatures: {
        ...(value['signatures'] as JsonObject),
        'a.example': {
          ...((value['signatures'] as JsonObject)['a.example'] as JsonObject),
          'ed25519:unknown': 'AAAA',
          'curve25519:1': 'whatever',
        },
      },
    };
    expect(checkSignatures(withExtras, ['a.example'], lookup)).toEqual({ ok: true });
    const onlyUnknown = signJson({ body: 'x' }, 'a.example', otherKey);
    expect(checkSignatures(onlyUnknown, ['a.example'], lookup)).toEqual({
      ok: false,
      server: 'a.example',
      reason: 'no known key for a.example among ed25519:other',
    });
    const onlyOtherAlgorithm = { body: 'x', signatures: { 'a.example': { 'x25519:1': 'AAAA' } } };
    expect(checkSignatures(onlyOtherAlgorithm, ['a.example'], lookup)).toMatchObject({
      ok: false,
      reason: 'no ed25519 signatures from a.example',
    });
  });

  it('fails if any known key signature is bad, even when another one is good', () => {
    const value = signJson({ body: 'x' }, 'a.example', key);
    const tampered = { ...value, body: 'y' };
    expect(checkSignatures(tampered, ['a.example'], lookup)).toEqual({
      ok: false,
      server: 'a.example',
      reason: 'signature by a.example ed25519:1 does not verify',
    });
    keys['a.example'] = { [key.keyId]: key.publicKey, [otherKey.keyId]: otherKey.publicKey };
    const good = signJson(value, 'a.example', otherKey);
    const oneBad = {
      ...good,
      signatures: {
        'a.example': {
          ...((good['signatures'] as JsonObject)['a.example'] as JsonObject),
          'ed25519:1': (SIGNED_EMPTY_OBJECT.signatures.domain as JsonObject)['ed25519:1'] as string,
        },
      },
    };
    expect(checkSignatures(oneBad, ['a.example'], lookup)).toMatchObject({ ok: false });
    keys['a.example'] = { [key.keyId]: key.publicKey };
  });

  it('reports values that cannot be canonical JSON', () => {
    const value = { ...signJson({ body: 'x' }, 'a.example', key), n: 0.5 };
    expect(checkSignatures(value, ['a.example'], lookup)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not canonical JSON') as unknown,
    });
  });
});

describe('planSignatureCheck / settleSignaturePlan', () => {
  const lookup = (server: string, keyId: string): Uint8Array | undefined =>
    server === 'a.example' && keyId === key.keyId
      ? key.publicKey
      : server === 'b.example' && keyId === otherKey.keyId
        ? otherKey.publicKey
        : undefined;

  it('lists the signatures to verify in order, over bytes asked for once', () => {
    const value = signJson(signJson({ body: 'x' }, 'a.example', key), 'b.example', otherKey);
    let asked = 0;
    const plan = planSignatureCheck(value, ['a.example', 'b.example'], lookup, () => {
      asked++;
      return signableBytes(value);
    });
    expect(asked).toBe(1);
    expect(plan.toVerify.map((s) => [s.server, s.keyId])).toEqual([
      ['a.example', key.keyId],
      ['b.example', otherKey.keyId],
    ]);
    expect(plan.otherwise).toEqual({ ok: true });
    expect(verifyPlanHere(plan)).toEqual([true, true]);
    expect(settleSignaturePlan(plan, [true, true])).toEqual({ ok: true });
    expect(settleSignaturePlan(plan, [true, false])).toEqual({
      ok: false,
      server: 'b.example',
      reason: 'signature by b.example ed25519:other does not verify',
    });
  });

  it('does not encode the value when no signature has a known key', () => {
    const value = signJson({ body: 'x' }, 'c.example', key);
    const plan = planSignatureCheck(value, ['c.example'], lookup, () => {
      throw new Error('must not be asked');
    });
    expect(plan.toVerify).toEqual([]);
    expect(plan.otherwise).toMatchObject({ ok: false, reason: /no known key for c.example/ });
  });

  it('reports an earlier bad signature before a later structural failure, as checkSignatures does', () => {
    const value = { ...signJson({ body: 'x' }, 'a.example', key), body: 'tampered' };
    const plan = planSignatureCheck(value, ['a.example', 'b.example'], lookup);
    expect(plan.otherwise).toEqual({
      ok: false,
      server: 'b.example',
      reason: 'no signatures from b.example',
    });
    const expected = {
      ok: false,
      server: 'a.example',
      reason: 'signature by a.example ed25519:1 does not verify',
    };
    expect(settleSignaturePlan(plan, verifyPlanHere(plan))).toEqual(expected);
    expect(checkSignatures(value, ['a.example', 'b.example'], lookup)).toEqual(expected);
    // Verified elsewhere, the same signature gives the structural failure only if it verifies.
    expect(settleSignaturePlan(plan, [true])).toEqual(plan.otherwise);
  });

  it('marks a signature that is not base64 as unverifiable', () => {
    const value = { body: 'x', signatures: { 'a.example': { [key.keyId]: '!!not base64!!' } } };
    const plan = planSignatureCheck(value, ['a.example'], lookup);
    expect(plan.toVerify[0]?.signature).toBeUndefined();
    expect(settleSignaturePlan(plan, verifyPlanHere(plan))).toMatchObject({ ok: false });
  });
});
