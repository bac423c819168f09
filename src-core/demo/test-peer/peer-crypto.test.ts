/**
 * The peer's own canonical JSON, base64, hashing and ed25519 signing against the spec
 * appendices' vectors, so that when the peer and the server agree, both match the spec.
 */
import { describe, expect, it } from 'vitest';
import vectors from './fixtures/spec-signing-vectors.json';
import { decodeUnpaddedBase64, unpaddedBase64, urlSafeUnpaddedBase64 } from './peer-base64';
import { canonicalJson } from './peer-canonical-json';
import { contentHash, eventIdOf, roomIdFromCreateEventId } from './peer-event-hashes';
import { hashAndSignPdu } from './peer-event-signing';
import type { PeerJsonObject } from './peer-json';
import { redactPdu } from './peer-redaction';
import { peerRoomVersion } from './peer-room-versions';
import { signJson, signingKeyFromSeed, verifyJsonSignature } from './peer-signing-key';

const key = signingKeyFromSeed(decodeUnpaddedBase64(vectors.seed), vectors.keyId);
// The event vectors predate v11 and carry `origin`, which v10 redaction keeps.
const v10 = peerRoomVersion('10');
const v11 = peerRoomVersion('11');

describe('test peer crypto against the spec appendices', () => {
  it('encodes unpadded base64 like the spec table', () => {
    for (const [plain, encoded] of vectors.base64) {
      expect(unpaddedBase64(Buffer.from(plain ?? '', 'utf8'))).toBe(encoded);
      expect(decodeUnpaddedBase64(encoded ?? '').toString('utf8')).toBe(plain);
    }
    expect(urlSafeUnpaddedBase64(Buffer.from([0xfb, 0xff]))).toBe('-_8');
  });

  it('produces the canonical JSON examples', () => {
    for (const { input, output } of vectors.canonical) {
      expect(canonicalJson(input as unknown as PeerJsonObject)).toBe(output);
    }
    expect(() => canonicalJson({ a: 1.5 })).toThrow(/integers/);
    expect(() => canonicalJson({ a: 2 ** 53 })).toThrow(/integers/);
    // Code point order: U+1F600 (astral) sorts after U+FFFD, unlike UTF-16 unit order.
    expect(canonicalJson({ '\u{1F600}': 1, '\uFFFD': 2 })).toBe('{"\uFFFD":2,"\u{1F600}":1}');
    expect(canonicalJson({ c: '\u0001\n"\\' })).toBe('{"c":"\\u0001\\n\\"\\\\"}');
  });

  it('signs JSON exactly as the spec vectors', () => {
    for (const { input, signature } of vectors.json) {
      const signed = signJson(input as unknown as PeerJsonObject, vectors.serverName, key);
      expect(signed['signatures']).toEqual({ domain: { 'ed25519:1': signature } });
      expect(verifyJsonSignature(signed, 'domain', 'ed25519:1', key.publicKeyBase64)).toBe(true);
      const tampered = { ...signed, extra: true };
      expect(verifyJsonSignature(tampered, 'domain', 'ed25519:1', key.publicKeyBase64)).toBe(false);
    }
  });

  it('hashes and signs the spec events exactly', () => {
    for (const vector of vectors.events) {
      const input = vector.input as unknown as PeerJsonObject;
      expect(contentHash(input)).toBe(vector.sha256);
      const { pdu } = hashAndSignPdu(input, vectors.serverName, key, v10);
      expect(pdu['hashes']).toEqual({ sha256: vector.sha256 });
      expect(pdu['signatures']).toEqual({ domain: { 'ed25519:1': vector.signature } });
      expect(pdu['unsigned']).toEqual({ age_ts: 1000000 });
      expect(
        verifyJsonSignature(redactPdu(pdu, v10), 'domain', 'ed25519:1', key.publicKeyBase64),
      ).toBe(true);
    }
  });

  it('redacts per version: v11 drops origin and keeps all create content', () => {
    const create: PeerJsonObject = {
      type: 'm.room.create',
      origin: 'domain',
      membership: 'join',
      content: { creator: '@a:domain', room_version: '10', 'm.federate': false },
    };
    expect(redactPdu(create, v10)).toEqual({
      type: 'm.room.create',
      origin: 'domain',
      membership: 'join',
      content: { creator: '@a:domain' },
    });
    expect(redactPdu(create, v11)).toEqual({
      type: 'm.room.create',
      content: { creator: '@a:domain', room_version: '10', 'm.federate': false },
    });
    const levels: PeerJsonObject = { type: 'm.room.power_levels', content: { invite: 0, ban: 50 } };
    expect(redactPdu(levels, v10)['content']).toEqual({ ban: 50 });
    expect(redactPdu(levels, v11)['content']).toEqual({ invite: 0, ban: 50 });
  });

  it('derives URL-safe event IDs and the v12 room ID from the reference hash', () => {
    const create: PeerJsonObject = {
      type: 'm.room.create',
      state_key: '',
      sender: '@a:domain',
      content: { room_version: '12' },
      origin_server_ts: 1,
      depth: 1,
      prev_events: [],
      auth_events: [],
    };
    const v12 = peerRoomVersion('12');
    const { pdu, eventId } = hashAndSignPdu(create, 'domain', key, v12);
    expect(eventId).toMatch(/^\$[A-Za-z0-9_-]{43}$/);
    // Signatures and unsigned data are outside the reference hash.
    expect(eventIdOf({ ...pdu, signatures: {}, unsigned: { age: 5 } }, v12)).toBe(eventId);
    // Redactable content is outside it too; the content hash is not.
    expect(
      eventIdOf({ ...pdu, content: { room_version: '12', x: 1 } }, peerRoomVersion('10')),
    ).toBe(eventIdOf(pdu, peerRoomVersion('10')));
    expect(roomIdFromCreateEventId(eventId)).toBe(`!${eventId.slice(1)}`);
  });
});
