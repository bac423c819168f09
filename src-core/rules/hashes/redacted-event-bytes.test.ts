import { describe, expect, it } from 'vitest';
import { CanonicalJsonError } from '../canonical-json/canonical-json';
import { redactPdu } from '../redaction';
import { getRoomVersion } from '../room-versions';
import { signableBytes } from '../signing/sign-json';
import { computeEventId, computeEventIdFromBytes } from './event-id';
import { JKI_CREATE_EVENT, JKI_CREATE_EVENT_ID_V4 } from './fixtures/jki-create-event';
import { redactedEventBytes } from './redacted-event-bytes';
import { computeReferenceHash } from './reference-hash';
import { sha256 } from './sha256';

const utf8 = new TextDecoder();
const message = {
  type: 'm.room.message',
  room_id: '!r:a.example',
  sender: '@u:a.example',
  origin: 'a.example',
  content: { body: 'secret' },
  depth: 3,
  prev_events: [],
  auth_events: [],
  origin_server_ts: 1_000,
  hashes: { sha256: 'abc' },
  signatures: { 'a.example': { 'ed25519:1': 'sig' } },
  unsigned: { age: 5 },
};

describe('redactedEventBytes', () => {
  it('is the canonical redacted event without signatures and unsigned: what signatures cover', () => {
    for (const id of ['1', '3', '10', '11']) {
      const version = getRoomVersion(id);
      const bytes = redactedEventBytes(message, version);
      expect(bytes).toEqual(signableBytes(redactPdu(message, version)));
      expect(computeReferenceHash(message, version)).toEqual(sha256(bytes));
    }
    expect(utf8.decode(redactedEventBytes(message, getRoomVersion('11')))).toBe(
      '{"auth_events":[],"content":{},"depth":3,"hashes":{"sha256":"abc"},' +
        '"origin_server_ts":1000,"prev_events":[],"room_id":"!r:a.example",' +
        '"sender":"@u:a.example","type":"m.room.message"}',
    );
  });

  it('throws CanonicalJsonError for kept values that cannot be canonical', () => {
    expect(() => redactedEventBytes({ ...message, depth: 1.5 }, getRoomVersion('10'))).toThrow(
      CanonicalJsonError,
    );
    // Redacted-away content does not matter.
    expect(() =>
      redactedEventBytes({ ...message, content: { body: 0.5 } }, getRoomVersion('10')),
    ).not.toThrow();
  });
});

describe('computeEventIdFromBytes', () => {
  it('gives computeEventId from supplied bytes, asking for them only when the version hashes', () => {
    const v10 = getRoomVersion('10');
    let asked = 0;
    const bytes = (): Uint8Array => {
      asked++;
      return redactedEventBytes(JKI_CREATE_EVENT, v10);
    };
    expect(computeEventIdFromBytes(JKI_CREATE_EVENT, v10, bytes)).toBe(JKI_CREATE_EVENT_ID_V4);
    expect(asked).toBe(1);
    const v1Event = { ...message, event_id: '$e:a.example' };
    expect(computeEventIdFromBytes(v1Event, getRoomVersion('1'), bytes)).toBe('$e:a.example');
    expect(asked).toBe(1);
    expect(
      computeEventIdFromBytes(message, getRoomVersion('3'), () =>
        redactedEventBytes(message, getRoomVersion('3')),
      ),
    ).toBe(computeEventId(message, getRoomVersion('3')));
  });
});
