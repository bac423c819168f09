import { describe, expect, it } from 'vitest';
import { canonicalJsonBytes } from '../canonical-json/canonical-json';
import type { JsonObject, JsonValue } from '../json';
import { getRoomVersion, type RoomVersionId } from '../room-versions';
import type { EventFormatErrorCode } from './event-format-error';
import {
  HASH_STD_A,
  HASH_URL_A,
  HASH_URL_B,
  VALID_SAMPLES,
  createV12,
  memberV4,
  messageV1,
  messageV12,
  messageV3,
  messageV4,
  powerLevelsV10,
  redactionV11,
} from './fixtures/sample-pdus';
import { MAX_PDU_BYTES, validatePdu } from './validate-event';

describe('validatePdu accepts well-formed events', () => {
  it.each(VALID_SAMPLES.map((s) => [s.name, s] as const))('%s', (_name, sample) => {
    const pdu = sample.build();
    const result = validatePdu(pdu, getRoomVersion(sample.version));
    expect(result).toEqual({ ok: true, pdu });
    // The validated PDU is the input itself, not a copy.
    expect(result.ok && result.pdu).toBe(pdu);
  });

  const accepted: [string, RoomVersionId, () => unknown][] = [
    ['state_key of 255 bytes', '4', () => ({ ...messageV4(), state_key: 'é'.repeat(127) + 'a' })],
    [
      'exactly 20 prev_events',
      '4',
      () => ({ ...messageV4(), prev_events: Array(20).fill(`$${HASH_URL_A}`) }),
    ],
    [
      'exactly 10 auth_events',
      '4',
      () => ({ ...messageV4(), auth_events: Array(10).fill(`$${HASH_URL_A}`) }),
    ],
    [
      'floaty power levels before v6',
      '5',
      () => withContent(powerLevelsV10(), { ban: 50.7, users: { '@a:b.c': 1e2 } }),
    ],
    ['floats before v6', '5', () => ({ ...messageV4(), content: { ratio: 0.5 } })],
    ['integers beyond 2^53 before v6', '5', () => ({ ...messageV4(), content: { n: 2 ** 60 } })],
    [
      'stringy power levels before v10',
      '9',
      () => {
        const pdu = powerLevelsV10();
        pdu['content'] = {
          ban: '50',
          users: { '@a:b.c': ' +100 ' },
          events: { 'm.room.name': '050' },
        };
        return pdu;
      },
    ],
    ['a historical sender', '11', () => ({ ...messageV4(), sender: '@Old User:example.org' })],
    ['an empty-localpart sender', '11', () => ({ ...messageV4(), sender: '@:example.org' })],
    [
      'a redaction without redacts before v11',
      '10',
      () => ({ ...messageV4(), type: 'm.room.redaction' }),
    ],
    [
      'top-level redacts before v11',
      '10',
      () => ({ ...messageV4(), type: 'm.room.redaction', redacts: `$${HASH_URL_B}` }),
    ],
    ['depth 0', '12', () => ({ ...messageV12(), depth: 0 })],
    ['depth 2^53−1', '12', () => ({ ...messageV12(), depth: Number.MAX_SAFE_INTEGER })],
    ['negative origin_server_ts', '12', () => ({ ...messageV12(), origin_server_ts: -5 })],
    ['negative zero', '12', () => ({ ...messageV12(), content: { z: -0 } })],
    [
      'm.room.create with another state_key keeps its room_id in v12',
      '12',
      () => ({ ...messageV12(), type: 'm.room.create', state_key: 'x' }),
    ],
    [
      'a __proto__ key in content',
      '12',
      () => ({
        ...messageV12(),
        content: JSON.parse('{"__proto__": {"polluted": 1}}') as JsonObject,
      }),
    ],
    [
      'a null-prototype object',
      '12',
      () => Object.assign(Object.create(null) as object, messageV12()),
    ],
    ['JSON nested 900 deep', '12', () => ({ ...messageV12(), content: { deep: nest(900) } })],
  ];
  it.each(accepted)('%s', (_name, version, build) => {
    const result = validatePdu(build(), getRoomVersion(version));
    expect(result.ok ? 'ok' : result.error).toBe('ok');
  });
});

function nest(depth: number): JsonValue {
  let value: JsonValue = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function without(pdu: JsonObject, key: string): JsonObject {
  const { [key]: _removed, ...rest } = pdu;
  return rest;
}

function withContent(pdu: JsonObject, content: JsonObject): JsonObject {
  return { ...pdu, content };
}

describe('validatePdu rejects malformed events', () => {
  const longString = 'x'.repeat(70_000);
  const cyclic: JsonObject = { body: 'loop' };
  (cyclic as Record<string, unknown>)['self'] = cyclic;
  const hostile = new Proxy(
    {},
    {
      getPrototypeOf() {
        throw new Error('trap');
      },
    },
  );

  const rejected: [string, RoomVersionId, () => unknown, EventFormatErrorCode, string][] = [
    // not an object at all
    ['null', '12', () => null, 'wrong_type', '$'],
    ['an array', '12', () => [messageV12()], 'wrong_type', '$'],
    ['a string', '12', () => 'event', 'wrong_type', '$'],
    ['a Date', '12', () => new Date(0), 'wrong_type', '$'],
    // not JSON
    [
      'undefined inside content',
      '12',
      () => withContent(messageV12(), { a: undefined } as unknown as JsonObject),
      'not_json',
      '$.content.a',
    ],
    [
      'a function inside content',
      '12',
      () => withContent(messageV12(), { f: (() => 1) as unknown as JsonValue }),
      'not_json',
      '$.content.f',
    ],
    [
      'a class instance inside content',
      '12',
      () => withContent(messageV12(), { d: new Date(0) as unknown as JsonValue }),
      'not_json',
      '$.content.d',
    ],
    [
      'a bigint',
      '4',
      () => withContent(messageV4(), { n: 1n as unknown as JsonValue }),
      'not_json',
      '$.content.n',
    ],
    [
      'NaN even before v6',
      '1',
      () => withContent(messageV1(), { n: NaN }),
      'not_json',
      '$.content.n',
    ],
    ['Infinity', '1', () => withContent(messageV1(), { n: Infinity }), 'not_json', '$.content.n'],
    [
      'a cycle',
      '12',
      () => withContent(messageV12(), { loop: cyclic }),
      'not_json',
      '$.content.loop.self',
    ],
    [
      'a sparse array',
      '12',
      () => {
        const holes: JsonValue[] = [1];
        holes[2] = 3;
        return withContent(messageV12(), { holes });
      },
      'not_json',
      '$.content.holes[1]',
    ],
    [
      'a lone surrogate in a string',
      '1',
      () => withContent(messageV1(), { body: 'a\ud800' }),
      'invalid_string',
      '$.content.body',
    ],
    [
      'a lone surrogate in a key',
      '1',
      () => withContent(messageV1(), { ['k\udc00']: 1 }),
      'invalid_string',
      '$.content.k\udc00',
    ],
    [
      'nesting beyond 1000',
      '12',
      () => withContent(messageV12(), { deep: nest(1000) }),
      'too_deep',
      '',
    ],
    // size
    [
      'an event over 65,536 bytes',
      '12',
      () => withContent(messageV12(), { body: longString }),
      'too_large',
      '$',
    ],
    [
      'a long array',
      '12',
      () => withContent(messageV12(), { list: Array(40_000).fill(0) as JsonValue[] }),
      'too_large',
      '$',
    ],
    [
      'a type over 255 bytes',
      '12',
      () => ({ ...messageV12(), type: 't'.repeat(256) }),
      'too_large',
      '$.type',
    ],
    [
      'a state_key over 255 bytes of UTF-8',
      '12',
      () => ({ ...messageV12(), state_key: 'é'.repeat(128) }),
      'too_large',
      '$.state_key',
    ],
    [
      'a sender over 255 bytes',
      '12',
      () => ({ ...messageV12(), sender: `@${'a'.repeat(250)}:example.org` }),
      'too_large',
      '$.sender',
    ],
    [
      'a room_id over 255 bytes',
      '11',
      () => ({ ...messageV4(), room_id: `!${'a'.repeat(250)}:example.org` }),
      'too_large',
      '$.room_id',
    ],
    [
      '21 prev_events',
      '4',
      () => ({ ...messageV4(), prev_events: Array(21).fill(`$${HASH_URL_A}`) }),
      'too_many_prev_events',
      '$.prev_events',
    ],
    [
      '11 auth_events',
      '4',
      () => ({ ...messageV4(), auth_events: Array(11).fill(`$${HASH_URL_A}`) }),
      'too_many_auth_events',
      '$.auth_events',
    ],
    // required fields
    ...(
      [
        'type',
        'sender',
        'room_id',
        'content',
        'origin_server_ts',
        'depth',
        'prev_events',
        'auth_events',
        'hashes',
        'signatures',
      ] as const
    ).map((key): [string, RoomVersionId, () => unknown, EventFormatErrorCode, string] => [
      `no ${key}`,
      '4',
      () => without(messageV4(), key),
      'missing_field',
      `$.${key}`,
    ]),
    [
      'no event_id in v1',
      '1',
      () => without(messageV1(), 'event_id'),
      'missing_field',
      '$.event_id',
    ],
    [
      'no hashes.sha256',
      '4',
      () => ({ ...messageV4(), hashes: { sha512: 'abc' } }),
      'missing_field',
      '$.hashes.sha256',
    ],
    [
      'no room_id on a v12 message',
      '12',
      () => without(messageV12(), 'room_id'),
      'missing_field',
      '$.room_id',
    ],
    [
      'a member event without state_key',
      '4',
      () => without(memberV4(), 'state_key'),
      'missing_field',
      '$.state_key',
    ],
    [
      'a member event without membership',
      '4',
      () => withContent(memberV4(), {}),
      'missing_field',
      '$.content.membership',
    ],
    [
      'a v11 redaction without content.redacts',
      '11',
      () => withContent(redactionV11(), {}),
      'missing_field',
      '$.content.redacts',
    ],
    [
      'a v11 redaction with only top-level redacts',
      '11',
      () => ({ ...withContent(redactionV11(), {}), redacts: `$${HASH_URL_A}` }),
      'missing_field',
      '$.content.redacts',
    ],
    // fields that must be absent
    [
      'event_id in v3',
      '3',
      () => ({ ...messageV3(), event_id: `$${HASH_STD_A}` }),
      'unexpected_field',
      '$.event_id',
    ],
    [
      'event_id in v12',
      '12',
      () => ({ ...messageV12(), event_id: `$${HASH_URL_A}` }),
      'unexpected_field',
      '$.event_id',
    ],
    [
      'room_id on a v12 create event',
      '12',
      () => ({ ...createV12(), room_id: `!${HASH_URL_A}` }),
      'unexpected_field',
      '$.room_id',
    ],
    // types
    [
      'content as an array',
      '4',
      () => ({ ...messageV4(), content: [] }),
      'wrong_type',
      '$.content',
    ],
    ['content as null', '4', () => ({ ...messageV4(), content: null }), 'wrong_type', '$.content'],
    ['type as a number', '4', () => ({ ...messageV4(), type: 5 }), 'wrong_type', '$.type'],
    ['sender as an object', '4', () => ({ ...messageV4(), sender: {} }), 'wrong_type', '$.sender'],
    [
      'state_key as null',
      '4',
      () => ({ ...messageV4(), state_key: null }),
      'wrong_type',
      '$.state_key',
    ],
    ['depth as a string', '4', () => ({ ...messageV4(), depth: '12' }), 'wrong_type', '$.depth'],
    [
      'depth as a float before v6',
      '4',
      () => ({ ...messageV4(), depth: 1.5 }),
      'wrong_type',
      '$.depth',
    ],
    [
      'origin_server_ts as a float before v6',
      '4',
      () => ({ ...messageV4(), origin_server_ts: 1.5 }),
      'wrong_type',
      '$.origin_server_ts',
    ],
    [
      'prev_events as an object',
      '4',
      () => ({ ...messageV4(), prev_events: {} }),
      'wrong_type',
      '$.prev_events',
    ],
    [
      'a number in prev_events',
      '4',
      () => ({ ...messageV4(), prev_events: [1] }),
      'wrong_type',
      '$.prev_events[0]',
    ],
    [
      'a bare ID in v1 auth_events',
      '1',
      () => ({ ...messageV1(), auth_events: ['$a:example.org'] }),
      'wrong_type',
      '$.auth_events[0]',
    ],
    [
      'a v1 pair of three',
      '1',
      () => ({ ...messageV1(), prev_events: [['$a:example.org', {}, {}]] }),
      'wrong_type',
      '$.prev_events[0]',
    ],
    [
      'a v1 pair with a non-string hash',
      '1',
      () => ({ ...messageV1(), prev_events: [['$a:example.org', { sha256: 1 }]] }),
      'wrong_type',
      '$.prev_events[0][1].sha256',
    ],
    [
      'a v1 pair without an ID',
      '1',
      () => ({ ...messageV1(), prev_events: [[1, {}]] }),
      'wrong_type',
      '$.prev_events[0][0]',
    ],
    [
      'a pair in v3',
      '3',
      () => ({ ...messageV3(), prev_events: [[`$${HASH_STD_A}`, {}]] }),
      'wrong_type',
      '$.prev_events[0]',
    ],
    [
      'hashes as a string',
      '4',
      () => ({ ...messageV4(), hashes: 'abc' }),
      'wrong_type',
      '$.hashes',
    ],
    [
      'a non-string hash',
      '4',
      () => ({ ...messageV4(), hashes: { sha256: 5 } }),
      'wrong_type',
      '$.hashes.sha256',
    ],
    [
      'signatures as an array',
      '4',
      () => ({ ...messageV4(), signatures: [] }),
      'wrong_type',
      '$.signatures',
    ],
    [
      'a server signature block as a string',
      '4',
      () => ({ ...messageV4(), signatures: { 'example.org': 'sig' } }),
      'wrong_type',
      '$.signatures.example.org',
    ],
    [
      'a non-string signature',
      '4',
      () => ({ ...messageV4(), signatures: { 'example.org': { 'ed25519:1': 1 } } }),
      'wrong_type',
      '$.signatures.example.org.ed25519:1',
    ],
    [
      'unsigned as an array',
      '4',
      () => ({ ...messageV4(), unsigned: [] }),
      'wrong_type',
      '$.unsigned',
    ],
    [
      'event_id as a number in v1',
      '1',
      () => ({ ...messageV1(), event_id: 1 }),
      'wrong_type',
      '$.event_id',
    ],
    [
      'membership as a number',
      '4',
      () => withContent(memberV4(), { membership: 1 }),
      'wrong_type',
      '$.content.membership',
    ],
    [
      'content.redacts as an object in v11',
      '11',
      () => withContent(redactionV11(), { redacts: {} }),
      'wrong_type',
      '$.content.redacts',
    ],
    [
      'top-level redacts as a number before v11',
      '10',
      () => ({ ...messageV4(), type: 'm.room.redaction', redacts: 1 }),
      'wrong_type',
      '$.redacts',
    ],
    [
      'power levels users as an array in v10',
      '10',
      () => withContent(powerLevelsV10(), { users: [] }),
      'wrong_type',
      '$.content.users',
    ],
    // identifiers
    [
      'a sender without a server',
      '4',
      () => ({ ...messageV4(), sender: '@alice' }),
      'bad_identifier',
      '$.sender',
    ],
    [
      'a sender with a bad port',
      '4',
      () => ({ ...messageV4(), sender: '@alice:example.org:70000' }),
      'bad_identifier',
      '$.sender',
    ],
    [
      'a room alias as sender',
      '4',
      () => ({ ...messageV4(), sender: '#alice:example.org' }),
      'bad_identifier',
      '$.sender',
    ],
    [
      'a server-style room_id in v12',
      '12',
      () => ({ ...messageV12(), room_id: '!abc:example.org' }),
      'bad_identifier',
      '$.room_id',
    ],
    [
      'a hash room_id in v11',
      '11',
      () => ({ ...messageV4(), room_id: `!${HASH_URL_A}` }),
      'bad_identifier',
      '$.room_id',
    ],
    [
      'a v3 event ID in v4 prev_events',
      '4',
      () => ({ ...messageV4(), prev_events: [`$${HASH_STD_A}`] }),
      'bad_identifier',
      '$.prev_events[0]',
    ],
    [
      'a v4 event ID in v3 auth_events',
      '3',
      () => ({ ...messageV3(), auth_events: [`$${HASH_URL_A}`] }),
      'bad_identifier',
      '$.auth_events[0]',
    ],
    [
      'a v1 event ID in v10',
      '10',
      () => ({ ...messageV4(), prev_events: ['$abc:example.org'] }),
      'bad_identifier',
      '$.prev_events[0]',
    ],
    [
      'a hash event ID in a v1 pair',
      '1',
      () => ({ ...messageV1(), prev_events: [[`$${HASH_STD_A}`, {}]] }),
      'bad_identifier',
      '$.prev_events[0][0]',
    ],
    [
      'a bad v1 event_id',
      '2',
      () => ({ ...messageV1(), event_id: '$noserver' }),
      'bad_identifier',
      '$.event_id',
    ],
    [
      'a member state_key that is not a user ID',
      '4',
      () => ({ ...memberV4(), state_key: 'alice' }),
      'bad_identifier',
      '$.state_key',
    ],
    [
      'an empty member state_key',
      '4',
      () => ({ ...memberV4(), state_key: '' }),
      'bad_identifier',
      '$.state_key',
    ],
    [
      'a power levels users key that is not a user ID',
      '10',
      () => withContent(powerLevelsV10(), { users: { alice: 50 } }),
      'bad_identifier',
      '$.content.users.alice',
    ],
    // v12 create event rules
    [
      'a v12 create event with auth_events',
      '12',
      () => ({ ...createV12(), auth_events: [`$${HASH_URL_B}`] }),
      'forbidden_auth_event',
      '$.auth_events[0]',
    ],
    [
      'a v12 event listing its create event',
      '12',
      () => ({ ...messageV12(), auth_events: [`$${HASH_URL_B}`, `$${HASH_URL_A}`] }),
      'forbidden_auth_event',
      '$.auth_events[1]',
    ],
    // ranges and numbers
    ['negative depth', '4', () => ({ ...messageV4(), depth: -1 }), 'out_of_range', '$.depth'],
    [
      'depth 2^53 before v6',
      '4',
      () => ({ ...messageV4(), depth: 2 ** 53 }),
      'out_of_range',
      '$.depth',
    ],
    [
      'depth 2^53 in v6',
      '6',
      () => ({ ...messageV4(), depth: 2 ** 53 }),
      'non_canonical_number',
      '$.depth',
    ],
    [
      'a float in content in v6',
      '6',
      () => withContent(messageV4(), { nested: { ratio: 0.5 } }),
      'non_canonical_number',
      '$.content.nested.ratio',
    ],
    [
      'a float in unsigned in v12',
      '12',
      () => ({ ...messageV12(), unsigned: { age: 1.5 } }),
      'non_canonical_number',
      '$.unsigned.age',
    ],
    [
      'an integer beyond 2^53 in v12',
      '12',
      () => withContent(messageV12(), { n: -(2 ** 53) }),
      'non_canonical_number',
      '$.content.n',
    ],
    [
      'a float depth in v12',
      '12',
      () => ({ ...messageV12(), depth: 1.5 }),
      'non_canonical_number',
      '$.depth',
    ],
    // v10 power levels
    [
      'a stringy ban level in v10',
      '10',
      () => withContent(powerLevelsV10(), { ban: '50' }),
      'non_integer_power_level',
      '$.content.ban',
    ],
    [
      'a stringy user level in v10',
      '10',
      () => withContent(powerLevelsV10(), { users: { '@a:b': '100' } }),
      'non_integer_power_level',
      '$.content.users.@a:b',
    ],
    [
      'a null event level in v11',
      '11',
      () => withContent(powerLevelsV10(), { events: { 'm.room.name': null } }),
      'non_integer_power_level',
      '$.content.events.m.room.name',
    ],
    [
      'a boolean notifications level in v12',
      '12',
      () => ({
        ...messageV12(),
        type: 'm.room.power_levels',
        state_key: '',
        content: { notifications: { room: true } },
      }),
      'non_integer_power_level',
      '$.content.notifications.room',
    ],
    // hostile input
    ['a proxy whose traps throw', '12', () => hostile, 'internal_error', '$'],
  ];

  it.each(rejected)('%s (v%s)', (_name, version, build, code, path) => {
    const result = validatePdu(build(), getRoomVersion(version));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    if (path !== '') expect(result.error.path).toBe(path);
    expect(result.error.message.length).toBeGreaterThan(10);
  });

  it('triggers every error code at least once in the table', () => {
    const codes = new Set(rejected.map((row) => row[3]));
    const all: EventFormatErrorCode[] = [
      'not_json',
      'invalid_string',
      'too_deep',
      'missing_field',
      'unexpected_field',
      'wrong_type',
      'too_large',
      'too_many_prev_events',
      'too_many_auth_events',
      'forbidden_auth_event',
      'bad_identifier',
      'out_of_range',
      'non_integer_power_level',
      'non_canonical_number',
      'internal_error',
    ];
    expect([...codes].sort()).toEqual([...all].sort());
  });

  it('gives a readable message', () => {
    const result = validatePdu(
      withContent(powerLevelsV10(), { users: { '@a:b': '100' } }),
      getRoomVersion('10'),
    );
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'non_integer_power_level',
        path: '$.content.users.@a:b',
        message: 'power level for "@a:b" must be an integer in this room version, got "100"',
      },
    });
  });
});

describe('the 65,536-byte limit', () => {
  /** A v12 message padded so its canonical JSON is exactly `size` bytes. */
  function eventOfSize(size: number): JsonObject {
    const pdu = withContent(messageV12(), { body: '' });
    const base = canonicalJsonBytes(pdu).length;
    (pdu['content'] as JsonObject)['body'] =
      'é'.repeat(Math.floor((size - base) / 2)) + 'a'.repeat((size - base) % 2);
    expect(canonicalJsonBytes(pdu).length).toBe(size);
    return pdu;
  }

  it('accepts exactly 65,536 bytes and refuses one more, counting UTF-8 bytes', () => {
    expect(validatePdu(eventOfSize(MAX_PDU_BYTES), getRoomVersion('12')).ok).toBe(true);
    expect(validatePdu(eventOfSize(MAX_PDU_BYTES + 1), getRoomVersion('12'))).toMatchObject({
      ok: false,
      error: { code: 'too_large', path: '$' },
    });
  });

  it('counts escapes the way canonical JSON writes them', () => {
    const pdu = withContent(messageV12(), {
      body: '\u0000\n"\\\u001f',
      'ke"y': true,
      n: -12,
      x: null,
    });
    const base = canonicalJsonBytes(pdu).length;
    expect(validatePdu(pdu, getRoomVersion('12'), { maxEventBytes: base }).ok).toBe(true);
    expect(validatePdu(pdu, getRoomVersion('12'), { maxEventBytes: base - 1 })).toMatchObject({
      ok: false,
      error: { code: 'too_large' },
    });
  });

  it('never lets options raise the limit above the spec', () => {
    const pdu = eventOfSize(MAX_PDU_BYTES + 1);
    expect(validatePdu(pdu, getRoomVersion('12'), { maxEventBytes: 1_000_000 }).ok).toBe(false);
  });
});

describe('flags, not version numbers, drive the rules', () => {
  it('applies integer power levels exactly from v10', () => {
    const stringy = () => withContent(powerLevelsV10(), { ban: '50' });
    const results = (['4', '5', '6', '7', '8', '9', '10', '11'] as const).map(
      (v) => validatePdu(stringy(), getRoomVersion(v)).ok,
    );
    expect(results).toEqual([true, true, true, true, true, true, false, false]);
  });

  it('applies canonical numbers exactly from v6', () => {
    const floaty = () => withContent(messageV4(), { f: 0.25 });
    const results = (['4', '5', '6', '7', '11'] as const).map(
      (v) => validatePdu(floaty(), getRoomVersion(v)).ok,
    );
    expect(results).toEqual([true, true, false, false, false]);
  });
});
