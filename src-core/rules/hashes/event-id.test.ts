import { describe, expect, it } from 'vitest';
import { encodeBase64, encodeBase64Url } from '../base64';
import type { JsonObject } from '../json';
import { redactPdu } from '../redaction';
import { KNOWN_ROOM_VERSIONS, getRoomVersion } from '../room-versions';
import { EventIdError, computeEventId } from './event-id';
import {
  JKI_CREATE_EVENT,
  JKI_CREATE_EVENT_ID_V3,
  JKI_CREATE_EVENT_ID_V4,
} from './fixtures/jki-create-event';
import { computeReferenceHash } from './reference-hash';
import {
  computeRoomIdFromCreateEvent,
  createEventIdFromRoomId,
  roomIdFromCreateEventId,
} from './room-id';

const v = getRoomVersion;

describe('computeEventId', () => {
  it('reads event_id in v1 and v2', () => {
    expect(computeEventId({ event_id: '$abc:example.org', type: 'X' }, v('1'))).toBe(
      '$abc:example.org',
    );
    expect(computeEventId({ event_id: '$abc:example.org' }, v('2'))).toBe('$abc:example.org');
    expect(() => computeEventId({ type: 'X' }, v('2'))).toThrow(EventIdError);
    expect(() => computeEventId({ event_id: 5 }, v('1'))).toThrow('no string event_id');
  });

  it('hashes a real event to the ID other servers gave it (v3 standard, v4+ URL-safe base64)', () => {
    expect(computeEventId(JKI_CREATE_EVENT, v('3'))).toBe(JKI_CREATE_EVENT_ID_V3);
    for (const id of ['4', '5', '6', '7', '8', '9', '10'] as const) {
      expect(computeEventId(JKI_CREATE_EVENT, v(id))).toBe(JKI_CREATE_EVENT_ID_V4);
    }
  });

  it('under v11 rules the same bytes hash differently (origin/prev_state dropped, content kept)', () => {
    expect(computeEventId(JKI_CREATE_EVENT, v('11'))).not.toBe(JKI_CREATE_EVENT_ID_V4);
    expect(computeEventId(JKI_CREATE_EVENT, v('11'))).toMatch(/^\$[A-Za-z0-9_-]{43}$/);
  });

  it('does not depend on signatures, unsigned or redactable content', () => {
    const stripped: JsonObject = {
      ...JKI_CREATE_EVENT,
      signatures: {},
      unsigned: { age: 99, extra: true },
      content: { creator: '@erikj:jki.re' },
    };
    expect(computeEventId(stripped, v('5'))).toBe(JKI_CREATE_EVENT_ID_V4);
    expect(computeEventId(redactPdu(JKI_CREATE_EVENT, v('5')), v('5'))).toBe(
      JKI_CREATE_EVENT_ID_V4,
    );
    expect(computeEventId({ ...JKI_CREATE_EVENT, depth: 2 }, v('5'))).not.toBe(
      JKI_CREATE_EVENT_ID_V4,
    );
  });

  it('encodes the reference hash', () => {
    const hash = computeReferenceHash(JKI_CREATE_EVENT, v('4'));
    expect(hash).toHaveLength(32);
    expect(`$${encodeBase64(hash)}`).toBe(JKI_CREATE_EVENT_ID_V3);
    expect(`$${encodeBase64Url(hash)}`).toBe(JKI_CREATE_EVENT_ID_V4);
  });
});

describe('v12 room IDs (MSC4291)', () => {
  const create = {
    type: 'm.room.create',
    state_key: '',
    sender: '@alice:example.org',
    content: { room_version: '12' },
    auth_events: [],
    prev_events: [],
    depth: 1,
    origin_server_ts: 1_750_000_000_000,
    hashes: { sha256: 'aGFzaA' },
    signatures: {},
  };

  it('is the create event ID with ! for $', () => {
    const eventId = computeEventId(create, v('12'));
    const roomId = computeRoomIdFromCreateEvent(create, v('12'));
    expect(roomId).toBe(`!${eventId.slice(1)}`);
    expect(roomId).toMatch(/^![A-Za-z0-9_-]{43}$/);
    expect(roomIdFromCreateEventId(eventId)).toBe(roomId);
    expect(createEventIdFromRoomId(roomId)).toBe(eventId);
  });

  it('changes with any protected field, including create content (never redacted)', () => {
    const roomId = computeRoomIdFromCreateEvent(create, v('12'));
    const other = { ...create, content: { room_version: '12', 'm.federate': false } };
    expect(computeRoomIdFromCreateEvent(other, v('12'))).not.toBe(roomId);
  });

  it('refuses versions whose room IDs are not derived', () => {
    for (const version of KNOWN_ROOM_VERSIONS.filter((r) => !r.roomIdFromCreateEvent)) {
      expect(() => computeRoomIdFromCreateEvent(create, version)).toThrow(EventIdError);
    }
    expect(() => roomIdFromCreateEventId('!x')).toThrow(EventIdError);
    expect(() => createEventIdFromRoomId('!x:example.org')).toThrow(EventIdError);
  });
});
