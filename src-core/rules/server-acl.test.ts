import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from './json';
import {
  globMatches,
  hostOfServerName,
  isServerAllowedByAcl,
  parseServerAcl,
  serverAclAllows,
} from './server-acl';

describe('globMatches', () => {
  const cases: [pattern: string, text: string, expected: boolean][] = [
    ['evil.com', 'evil.com', true],
    ['evil.com', 'evil.co', false],
    ['evil.com', 'notevil.com', false],
    ['*', '', true],
    ['*', 'anything.example', true],
    ['*.evil.com', 'sub.evil.com', true],
    ['*.evil.com', 'a.b.evil.com', true],
    ['*.evil.com', 'evil.com', false],
    ['?', '', false],
    ['?', 'a', true],
    ['?', 'ab', false],
    ['ev?l.com', 'evil.com', true],
    ['ev?l.com', 'evl.com', false],
    ['??*', 'a', false],
    ['??*', 'ab', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
    ['a*a*a*a*a*a*a*a*b', 'a'.repeat(60), false],
    ['EVIL.example', 'evil.EXAMPLE', true],
    // A dot is a plain character, not a regex wildcard.
    ['evil.com', 'evilxcom', false],
    ['', '', true],
    ['', 'a', false],
  ];
  it.each(cases)('%j against %j → %s', (pattern, text, expected) => {
    expect(globMatches(pattern, text)).toBe(expected);
  });

  it('agrees with an anchored regex translation on random inputs', () => {
    const alphabet = fc.constantFrom('a', 'b', '.', '*', '?');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 8 }).map((cs) => cs.join('')),
        fc.array(fc.constantFrom('a', 'b', '.'), { maxLength: 8 }).map((cs) => cs.join('')),
        (pattern, text) => {
          const regex = new RegExp(
            `^${pattern
              .split('')
              .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c === '.' ? '\\.' : c))
              .join('')}$`,
            's',
          );
          expect(globMatches(pattern, text)).toBe(regex.test(text));
        },
      ),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe('hostOfServerName', () => {
  it.each([
    ['example.org', 'example.org'],
    ['example.org:8448', 'example.org'],
    ['1.2.3.4:80', '1.2.3.4'],
    ['[::1]', '[::1]'],
    ['[::1]:8448', '[::1]'],
  ])('%s → %s', (name, host) => {
    expect(hostOfServerName(name)).toBe(host);
  });
});

describe('parseServerAcl', () => {
  it('defaults: IP literals allowed, empty lists', () => {
    expect(parseServerAcl({})).toEqual({ allowIpLiterals: true, allow: [], deny: [] });
  });
  it('ignores a non-boolean flag, non-list lists and non-string entries', () => {
    expect(
      parseServerAcl({ allow_ip_literals: 'false', allow: 'x', deny: ['a', 1, null, 'b'] }),
    ).toEqual({ allowIpLiterals: true, allow: [], deny: ['a', 'b'] });
  });
});

describe('isServerAllowedByAcl (spec order: IP literals, deny, allow, else deny)', () => {
  const table: [name: string, content: JsonObject | undefined, server: string, allowed: boolean][] =
    [
      ['no ACL event allows everyone', undefined, 'anyone.example', true],
      ['empty content denies everyone (no allow rule)', {}, 'good.example', false],
      ['allow * admits any host', { allow: ['*'] }, 'good.example', true],
      ['deny wins over allow', { allow: ['*'], deny: ['evil.example'] }, 'evil.example', false],
      [
        'deny glob on subdomains',
        { allow: ['*'], deny: ['*.evil.example'] },
        'a.evil.example',
        false,
      ],
      [
        'deny glob leaves the apex',
        { allow: ['*'], deny: ['*.evil.example'] },
        'evil.example',
        true,
      ],
      [
        'port is ignored for deny',
        { allow: ['*'], deny: ['evil.example'] },
        'evil.example:8448',
        false,
      ],
      ['port is ignored for allow', { allow: ['good.example'] }, 'good.example:1234', true],
      [
        'a pattern with a port never matches',
        { allow: ['good.example:8448'] },
        'good.example:8448',
        false,
      ],
      ['not on the allow list', { allow: ['good.example'] }, 'other.example', false],
      ['IPv4 literal allowed by default', { allow: ['*'] }, '1.2.3.4', true],
      [
        'IPv4 literal refused when allow_ip_literals is false',
        { allow: ['*'], allow_ip_literals: false },
        '1.2.3.4:8448',
        false,
      ],
      [
        'IPv6 literal refused when allow_ip_literals is false',
        { allow: ['*'], allow_ip_literals: false },
        '[::1]:8448',
        false,
      ],
      [
        'allow_ip_literals false does not touch DNS names',
        { allow: ['*'], allow_ip_literals: false },
        'good.example',
        true,
      ],
      [
        'a DNS name that merely looks numeric-ish is not an IP literal',
        { allow: ['*'], allow_ip_literals: false },
        '1.2.3.example',
        true,
      ],
      ['IP literal matched by an explicit allow', { allow: ['127.0.0.1'] }, '127.0.0.1:9000', true],
      ['case-insensitive deny', { allow: ['*'], deny: ['evil.example'] }, 'EVIL.Example', false],
      ['malformed allow (not a list) denies', { allow: '*' }, 'good.example', false],
      ['non-boolean flag counts as true', { allow: ['*'], allow_ip_literals: 0 }, '1.2.3.4', true],
    ];
  it.each(table)('%s', (_name, content, server, allowed) => {
    expect(serverAclAllows(content, server)).toBe(allowed);
    if (content !== undefined) {
      expect(isServerAllowedByAcl(parseServerAcl(content), server)).toBe(allowed);
    }
  });
});
