import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from './json';
import { redactPdu } from './redaction';
import type { RoomVersion } from './room-versions';
import { KNOWN_ROOM_VERSIONS, getRoomVersion } from './room-versions';

const v = getRoomVersion;

/** Every top-level key a PDU of any version might carry, plus junk. */
const FULL_TOP_LEVEL: JsonObject = {
  event_id: '$e:x',
  type: 'm.room.message',
  room_id: '!r:x',
  sender: '@u:x',
  state_key: '',
  content: { body: 'secret' },
  hashes: { sha256: 'aGFzaA' },
  signatures: { x: { 'ed25519:1': 'c2ln' } },
  depth: 5,
  prev_events: ['$p'],
  auth_events: ['$a'],
  origin_server_ts: 1,
  origin: 'x',
  membership: 'join',
  prev_state: [],
  unsigned: { age_ts: 1, replaces_state: '$old' },
  redacts: '$target',
  age_ts: 7,
  junk: true,
};

function redactContent(type: string, content: JsonObject, version: RoomVersion): JsonValue {
  return redactPdu({ type, content }, version)['content'] as JsonValue;
}

describe('redactPdu: top-level keys', () => {
  const common = [
    'auth_events',
    'content',
    'depth',
    'event_id',
    'hashes',
    'origin_server_ts',
    'prev_events',
    'room_id',
    'sender',
    'signatures',
    'state_key',
    'type',
  ];

  it.each(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] as const)(
    'v%s keeps origin, membership and prev_state',
    (id) => {
      expect(Object.keys(redactPdu(FULL_TOP_LEVEL, v(id))).sort()).toEqual(
        [...common, 'membership', 'origin', 'prev_state'].sort(),
      );
    },
  );

  it.each(['11', '12'] as const)('v%s drops origin, membership and prev_state (MSC2176)', (id) => {
    expect(Object.keys(redactPdu(FULL_TOP_LEVEL, v(id))).sort()).toEqual([...common].sort());
  });

  it('always drops unsigned, a top-level redacts and unknown keys', () => {
    for (const version of KNOWN_ROOM_VERSIONS) {
      const redacted = redactPdu(FULL_TOP_LEVEL, version);
      expect(redacted).not.toHaveProperty('unsigned');
      expect(redacted).not.toHaveProperty('redacts');
      expect(redacted).not.toHaveProperty('age_ts');
      expect(redacted).not.toHaveProperty('junk');
      expect(redacted['content']).toEqual({});
    }
  });

  it('keeps values as they are, whatever their type', () => {
    const odd = { type: 'x', content: {}, depth: 'not a number', hashes: null };
    expect(redactPdu(odd, v('10'))).toEqual(odd);
  });

  it('gives a missing or non-object content as {}', () => {
    expect(redactPdu({ type: 'm.room.member' }, v('10'))).toEqual({
      type: 'm.room.member',
      content: {},
    });
    expect(redactPdu({ type: 'x', content: [1] }, v('11'))['content']).toEqual({});
  });
});

describe('redactPdu: content per event type and version', () => {
  const member = {
    membership: 'join',
    displayname: 'Alice',
    avatar_url: 'mxc://x/y',
    join_authorised_via_users_server: '@admin:x',
    third_party_invite: { display_name: 'alice@example.org', signed: { mxid: '@a:x', token: 't' } },
  };

  it.each([
    ['1', { membership: 'join' }],
    ['8', { membership: 'join' }],
    ['9', { membership: 'join', join_authorised_via_users_server: '@admin:x' }],
    ['10', { membership: 'join', join_authorised_via_users_server: '@admin:x' }],
    [
      '11',
      {
        membership: 'join',
        join_authorised_via_users_server: '@admin:x',
        third_party_invite: { signed: { mxid: '@a:x', token: 't' } },
      },
    ],
    [
      '12',
      {
        membership: 'join',
        join_authorised_via_users_server: '@admin:x',
        third_party_invite: { signed: { mxid: '@a:x', token: 't' } },
      },
    ],
  ] as const)('m.room.member in v%s', (id, expected) => {
    expect(redactContent('m.room.member', member, v(id))).toEqual(expected);
  });

  it('m.room.member v11: a third_party_invite without signed becomes {}, a non-object one goes', () => {
    expect(redactContent('m.room.member', { third_party_invite: { x: 1 } }, v('11'))).toEqual({
      third_party_invite: {},
    });
    expect(redactContent('m.room.member', { third_party_invite: 'x' }, v('11'))).toEqual({});
  });

  const create = { creator: '@c:x', room_version: '5', 'm.federate': false, predecessor: {} };
  it.each([
    ['1', { creator: '@c:x' }],
    ['10', { creator: '@c:x' }],
    ['11', create],
    ['12', create],
  ] as const)('m.room.create in v%s', (id, expected) => {
    expect(redactContent('m.room.create', create, v(id))).toEqual(expected);
  });

  const joinRules = { join_rule: 'restricted', allow: [{ type: 'm.room_membership' }], x: 1 };
  it.each([
    ['1', { join_rule: 'restricted' }],
    ['7', { join_rule: 'restricted' }],
    ['8', { join_rule: 'restricted', allow: [{ type: 'm.room_membership' }] }],
    ['12', { join_rule: 'restricted', allow: [{ type: 'm.room_membership' }] }],
  ] as const)('m.room.join_rules in v%s', (id, expected) => {
    expect(redactContent('m.room.join_rules', joinRules, v(id))).toEqual(expected);
  });

  const powerLevels = {
    ban: 50,
    events: { 'm.room.name': 50 },
    events_default: 0,
    invite: 0,
    kick: 50,
    redact: 50,
    state_default: 50,
    users: { '@a:x': 100 },
    users_default: 0,
    notifications: { room: 50 },
  };
  const { invite: _invite, notifications: _notifications, ...oldKept } = powerLevels;
  it.each([
    ['1', oldKept],
    ['10', oldKept],
    ['11', { ...oldKept, invite: 0 }],
    ['12', { ...oldKept, invite: 0 }],
  ] as const)('m.room.power_levels in v%s', (id, expected) => {
    expect(redactContent('m.room.power_levels', powerLevels, v(id))).toEqual(expected);
  });

  it.each([
    ['1', { aliases: ['#a:x'] }],
    ['5', { aliases: ['#a:x'] }],
    ['6', {}],
    ['11', {}],
  ] as const)('m.room.aliases in v%s (MSC2432)', (id, expected) => {
    expect(redactContent('m.room.aliases', { aliases: ['#a:x'], x: 1 }, v(id))).toEqual(expected);
  });

  it('m.room.history_visibility keeps history_visibility everywhere', () => {
    for (const version of KNOWN_ROOM_VERSIONS) {
      expect(
        redactContent('m.room.history_visibility', { history_visibility: 'shared', x: 1 }, version),
      ).toEqual({ history_visibility: 'shared' });
    }
  });

  it.each([
    ['10', {}],
    ['11', { redacts: '$t' }],
    ['12', { redacts: '$t' }],
  ] as const)('m.room.redaction content in v%s', (id, expected) => {
    expect(redactContent('m.room.redaction', { redacts: '$t', reason: 'spam' }, v(id))).toEqual(
      expected,
    );
  });

  it('strips everything from other types, including m.relates_to (MSC3389 is not in any version)', () => {
    for (const version of KNOWN_ROOM_VERSIONS) {
      expect(
        redactContent(
          'm.room.message',
          {
            body: 'x',
            membership: 'join',
            'm.relates_to': { rel_type: 'm.thread', event_id: '$t' },
          },
          version,
        ),
      ).toEqual({});
      expect(redactContent('m.room.name', { name: 'x' }, version)).toEqual({});
    }
  });

  it('only keeps own keys present in content, never inventing absent ones', () => {
    expect(redactContent('m.room.power_levels', { ban: 50 }, v('11'))).toEqual({ ban: 50 });
    expect(redactContent('m.room.member', {}, v('11'))).toEqual({});
  });
});

describe('redactPdu: properties', () => {
  const anyType = fc.constantFrom(
    'm.room.member',
    'm.room.create',
    'm.room.join_rules',
    'm.room.power_levels',
    'm.room.aliases',
    'm.room.history_visibility',
    'm.room.redaction',
    'm.room.message',
  );
  const value = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>;
  const contentKeys = fc.constantFrom(
    'membership',
    'join_authorised_via_users_server',
    'third_party_invite',
    'creator',
    'join_rule',
    'allow',
    'ban',
    'invite',
    'aliases',
    'history_visibility',
    'redacts',
    'body',
  );
  const event = fc.record({
    type: anyType,
    content: fc.dictionary(contentKeys, value, { maxKeys: 6 }),
    origin: fc.string(),
    unsigned: fc.dictionary(fc.string(), value, { maxKeys: 2 }),
    sender: fc.string(),
    extra: value,
  });
  const version = fc.constantFrom(...KNOWN_ROOM_VERSIONS);

  it('is idempotent and never mutates its input', () => {
    fc.assert(
      fc.property(event, version, (pdu, roomVersion) => {
        const before = structuredClone(pdu);
        const once = redactPdu(pdu, roomVersion);
        expect(pdu).toEqual(before);
        expect(redactPdu(once, roomVersion)).toEqual(once);
        expect(redactPdu(structuredClone(once), roomVersion)).toEqual(once);
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  it('returns a new object even when nothing is removed', () => {
    const pdu = { type: 'm.room.create', content: { a: 1 } };
    const redacted = redactPdu(pdu, v('11'));
    expect(redacted).toEqual(pdu);
    expect(redacted).not.toBe(pdu);
    expect(redacted['content']).not.toBe(pdu.content);
  });
});
