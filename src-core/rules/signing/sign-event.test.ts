import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64 } from '../base64';
import { checkContentHash } from '../hashes/content-hash';
import type { JsonObject } from '../json';
import { redactPdu } from '../redaction';
import { KNOWN_ROOM_VERSIONS, getRoomVersion } from '../room-versions';
import {
  MINIMAL_EVENT_INPUT,
  MINIMAL_EVENT_SIGNED,
  REDACTABLE_EVENT_INPUT,
  REDACTABLE_EVENT_SIGNED,
  SPEC_SEED_BASE64,
  SPEC_SERVER,
} from './fixtures/spec-vectors';
import { signEvent } from './sign-event';
import type { SigningKey } from './signing-key';
import { signingKeyFromSeed } from './signing-key';
import { initCrypto } from './sodium';
import { verifyJsonSignature } from './verify-json';

let key: SigningKey;
let otherKey: SigningKey;

beforeAll(async () => {
  await initCrypto();
  key = signingKeyFromSeed(decodeBase64(SPEC_SEED_BASE64), '1');
  otherKey = signingKeyFromSeed(new Uint8Array(32).fill(5), 'b');
});

// The appendix vectors predate v11: their redacted form keeps top-level `origin`, which only the
// pre-v11 redaction algorithm does, so they hold for every version from 1 to 10.
const PRE_V11 = KNOWN_ROOM_VERSIONS.filter((v) => !v.updatedRedactionRules);

describe('signEvent: spec appendix "Event Signing" vectors', () => {
  it.each(PRE_V11.map((v) => [v.id, v] as const))('minimal event, room v%s', (_id, version) => {
    const signed = signEvent(MINIMAL_EVENT_INPUT, SPEC_SERVER, key, version);
    expect(signed).toEqual(MINIMAL_EVENT_SIGNED);
  });

  it.each(PRE_V11.map((v) => [v.id, v] as const))(
    'event with redactable content, room v%s',
    (_id, version) => {
      const signed = signEvent(REDACTABLE_EVENT_INPUT, SPEC_SERVER, key, version);
      expect(signed).toEqual(REDACTABLE_EVENT_SIGNED);
    },
  );

  it('gives a different signature under v11 rules, where origin is not signed', () => {
    const signed = signEvent(MINIMAL_EVENT_INPUT, SPEC_SERVER, key, getRoomVersion('11'));
    expect(signed.hashes).toEqual(MINIMAL_EVENT_SIGNED.hashes);
    expect(signed.signatures).not.toEqual(MINIMAL_EVENT_SIGNED.signatures);
  });
});

describe('signEvent', () => {
  const v11 = getRoomVersion('11');
  const draft = {
    type: 'm.room.message',
    room_id: '!r:a.example',
    sender: '@u:a.example',
    content: { body: 'hello', msgtype: 'm.text' },
    depth: 4,
    prev_events: ['$p'],
    auth_events: ['$a'],
    origin_server_ts: 1_700_000_000_000,
    unsigned: { age_ts: 1 },
  };

  it('signs the redacted event and hashes the full one', () => {
    const signed = signEvent(draft, 'a.example', key, v11);
    expect(checkContentHash(signed)).toBe(true);
    expect(
      verifyJsonSignature(redactPdu(signed, v11), 'a.example', 'ed25519:1', key.publicKey),
    ).toBe(true);
    // The full event is not what was signed: its content is not redacted.
    expect(verifyJsonSignature(signed, 'a.example', 'ed25519:1', key.publicKey)).toBe(false);
    expect(signed.unsigned).toEqual({ age_ts: 1 });
  });

  it('does not mutate its input', () => {
    const input = structuredClone(draft);
    signEvent(input, 'a.example', key, v11);
    expect(input).toEqual(draft);
  });

  it('co-signs: a second server adds its signature and the hash stays the same', () => {
    const first = signEvent(draft, 'a.example', key, v11);
    const both = signEvent(first, 'b.example', otherKey, v11);
    expect(both.hashes).toEqual(first.hashes);
    expect(Object.keys(both.signatures).sort()).toEqual(['a.example', 'b.example']);
    const redacted = redactPdu(both, v11);
    expect(verifyJsonSignature(redacted, 'a.example', 'ed25519:1', key.publicKey)).toBe(true);
    expect(verifyJsonSignature(redacted, 'b.example', 'ed25519:b', otherKey.publicKey)).toBe(true);
  });

  it('refuses non-canonical content', () => {
    const bad: JsonObject = { ...draft, content: { n: 1.5 } };
    expect(() => signEvent(bad, 'a.example', key, v11)).toThrow('$.content.n');
  });
});
