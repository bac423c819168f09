import { describe, expect, it } from 'vitest';
import { getRoomVersion, type RoomVersionId } from '../room-versions';
import { parseEventId } from './event-id';
import { createEventIdOfRoom, parseRoomId } from './room-id';

const HASH_URL = 'Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ';
const HASH_STD = 'acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk';
const HASH_PLAIN = 'CD66HAED5npg6074c6pDtLKalHjVfYb2q4Q3LZgrW6o';

describe('parseRoomId', () => {
  const cases: [string, RoomVersionId, string, boolean][] = [
    ['server form in v1', '1', '!abc123:matrix.org', true],
    ['server form in v11', '11', '!jEsUZKDJdhlrceRyVU:example.org', true],
    ['server form with port', '11', '!a:example.org:8448', true],
    ['empty opaque part', '11', '!:example.org', true],
    ['no server part before v12', '11', `!${HASH_URL}`, false],
    ['bad server before v12', '11', '!abc:exa mple', false],
    ['NUL in opaque part', '11', '!a\u0000:example.org', false],
    ['hash form in v12', '12', `!${HASH_URL}`, true],
    ['hash form without URL-only chars in v12', '12', `!${HASH_PLAIN}`, true],
    ['server form in v12', '12', '!abc123:matrix.org', false],
    ['standard-alphabet hash in v12', '12', `!${HASH_STD}`, false],
    ['short hash in v12', '12', `!${HASH_URL.slice(1)}`, false],
    ['long hash in v12', '12', `!${HASH_URL}A`, false],
    ['padded hash in v12', '12', `!${HASH_URL}=`, false],
    ['wrong sigil', '12', `$${HASH_URL}`, false],
    ['too long', '11', `!${'a'.repeat(243)}:example.org`, false],
    ['exactly 255 bytes', '11', `!${'a'.repeat(242)}:example.org`, true],
  ];
  it.each(cases)('%s', (_name, version, input, ok) => {
    expect(parseRoomId(input, getRoomVersion(version)).ok).toBe(ok);
  });

  it('returns the parts', () => {
    expect(parseRoomId('!abc:example.org', getRoomVersion('10'))).toEqual({
      ok: true,
      value: {
        kind: 'server',
        opaque: 'abc',
        serverName: 'example.org',
        server: { host: 'example.org', hostKind: 'dns', port: undefined },
      },
    });
    expect(parseRoomId(`!${HASH_URL}`, getRoomVersion('12'))).toEqual({
      ok: true,
      value: { kind: 'hash', hash: HASH_URL },
    });
    expect(createEventIdOfRoom(`!${HASH_URL}`)).toBe(`$${HASH_URL}`);
  });
});

describe('parseEventId', () => {
  const cases: [string, RoomVersionId, string, boolean][] = [
    ['server form in v1', '1', '$a4ecee13e2accdadf56c1025:example.com', true],
    ['server form in v2', '2', '$abc:example.com:8448', true],
    ['no server in v1', '1', `$${HASH_STD}`, false],
    ['bad server in v1', '1', '$abc:-bad_', false],
    ['standard base64 in v3', '3', `$${HASH_STD}`, true],
    ['URL-safe base64 in v3', '3', `$${HASH_URL}`, false],
    ['server form in v3', '3', '$abc:example.com', false],
    ['URL-safe base64 in v4', '4', `$${HASH_URL}`, true],
    ['URL-safe base64 in v12', '12', `$${HASH_URL}`, true],
    ['alphabet-neutral hash in v4', '4', `$${HASH_PLAIN}`, true],
    ['standard base64 in v4', '4', `$${HASH_STD}`, false],
    ['42 characters', '10', `$${HASH_URL.slice(1)}`, false],
    ['44 characters', '10', `$${HASH_URL}A`, false],
    ['room sigil', '10', `!${HASH_URL}`, false],
    ['empty', '10', '', false],
    ['too long in v1', '1', `$${'a'.repeat(255)}:example.com`, false],
  ];
  it.each(cases)('%s', (_name, version, input, ok) => {
    expect(parseEventId(input, getRoomVersion(version)).ok).toBe(ok);
  });

  it('returns the parts', () => {
    expect(parseEventId('$x:example.com', getRoomVersion('1'))).toMatchObject({
      ok: true,
      value: { kind: 'server', opaque: 'x', serverName: 'example.com' },
    });
    expect(parseEventId(`$${HASH_STD}`, getRoomVersion('3'))).toEqual({
      ok: true,
      value: { kind: 'hash', hash: HASH_STD },
    });
  });
});
