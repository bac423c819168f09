import { describe, expect, it } from 'vitest';
import { parseKeyId } from './key-id';
import { parseRoomAlias } from './room-alias';
import { serverNameOf } from './server-name-of';

describe('parseRoomAlias', () => {
  const cases: [string, boolean][] = [
    ['#room:example.org', true],
    ['#Room With Spaces é:example.org:8448', true],
    ['#:example.org', true],
    ['room:example.org', false],
    ['#room', false],
    ['#room:', false],
    ['#ro\u0000om:example.org', false],
    [`#${'a'.repeat(243)}:example.org`, false],
    [`#${'a'.repeat(242)}:example.org`, true],
  ];
  it.each(cases)('%j → %s', (input, ok) => {
    expect(parseRoomAlias(input).ok).toBe(ok);
  });

  it('returns the parts', () => {
    expect(parseRoomAlias('#lobby:[::1]:80')).toEqual({
      ok: true,
      value: {
        alias: 'lobby',
        serverName: '[::1]:80',
        server: { host: '[::1]', hostKind: 'ipv6', port: 80 },
      },
    });
  });
});

describe('parseKeyId', () => {
  const cases: [string, boolean][] = [
    ['ed25519:abc123', true],
    ['ed25519:a_B_9', true],
    ['signed_curve25519:AAAAAQ', true],
    ['ed25519:', false],
    [':abc', false],
    ['ed25519', false],
    ['ed25519:abc-123', false],
    ['ed25519:abc:def', false],
    ['ed 25519:abc', false],
  ];
  it.each(cases)('%j → %s', (input, ok) => {
    expect(parseKeyId(input).ok).toBe(ok);
  });

  it('splits algorithm and version', () => {
    expect(parseKeyId('ed25519:0ldK3y')).toEqual({
      ok: true,
      value: { algorithm: 'ed25519', version: '0ldK3y' },
    });
  });
});

describe('serverNameOf', () => {
  const cases: [string, string | undefined][] = [
    ['@alice:example.org', 'example.org'],
    ['@alice:example.org:8448', 'example.org:8448'],
    ['!room:[::1]:80', '[::1]:80'],
    ['#alias:example.org', 'example.org'],
    ['$event:example.org', 'example.org'],
    ['$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg', undefined],
    ['!Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ', undefined],
    ['alice:example.org', undefined],
    ['', undefined],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(serverNameOf(input)).toBe(expected);
  });
});
