import { describe, expect, it } from 'vitest';
import { parseUserId, type UserIdGrammar } from './user-id';

describe('parseUserId', () => {
  const cases: [string, string, { strict: boolean; historical: boolean }][] = [
    ['plain', '@alice:example.org', { strict: true, historical: true }],
    ['every allowed punctuation', '@a.b_c=d-e/f+g:example.org', { strict: true, historical: true }],
    ['digits only', '@1234:example.org', { strict: true, historical: true }],
    ['port and IPv6 server', '@bob:[::1]:8448', { strict: true, historical: true }],
    ['upper-case localpart', '@Alice:example.org', { strict: false, historical: true }],
    ['empty localpart', '@:example.org', { strict: false, historical: true }],
    ['non-ASCII localpart', '@josé:example.org', { strict: false, historical: true }],
    ['control character', '@a\u0007b:example.org', { strict: false, historical: true }],
    ['space', '@a b:example.org', { strict: false, historical: true }],
    ['NUL', '@a\u0000b:example.org', { strict: false, historical: false }],
    ['lone surrogate', '@a\ud800b:example.org', { strict: false, historical: false }],
    ['no sigil', 'alice:example.org', { strict: false, historical: false }],
    ['wrong sigil', '!alice:example.org', { strict: false, historical: false }],
    ['no server', '@alice', { strict: false, historical: false }],
    ['empty server', '@alice:', { strict: false, historical: false }],
    ['bad server', '@alice:exa_mple.org', { strict: false, historical: false }],
    ['port too big', '@alice:example.org:70000', { strict: false, historical: false }],
    ['255 bytes', `@${'a'.repeat(242)}:example.org`, { strict: true, historical: true }],
    ['256 bytes', `@${'a'.repeat(243)}:example.org`, { strict: false, historical: false }],
    // 'é' is two UTF-8 bytes: 122 of them is 244 bytes but only 122 UTF-16 units.
    ['257 bytes of UTF-8', `@${'é'.repeat(122)}:example.org`, { strict: false, historical: false }],
  ];
  for (const grammar of ['strict', 'historical'] as UserIdGrammar[]) {
    it.each(cases)(`${grammar}: %s`, (_name, input, expected) => {
      expect(parseUserId(input, grammar).ok).toBe(expected[grammar]);
    });
  }

  it('splits at the first colon and reports compliance', () => {
    expect(parseUserId('@alice:example.org:8448', 'strict')).toEqual({
      ok: true,
      value: {
        localpart: 'alice',
        serverName: 'example.org:8448',
        server: { host: 'example.org', hostKind: 'dns', port: 8448 },
        compliant: true,
      },
    });
    const historical = parseUserId('@josé:example.org', 'historical');
    expect(historical.ok && historical.value.compliant).toBe(false);
    const empty = parseUserId('@:example.org', 'historical');
    expect(empty.ok && empty.value.compliant).toBe(false);
    const upper = parseUserId('@Alice:example.org', 'historical');
    expect(upper.ok && upper.value.compliant).toBe(true);
  });

  it('explains a strict refusal', () => {
    expect(parseUserId('@:example.org', 'strict')).toEqual({
      ok: false,
      reason: 'user ID localpart is empty',
    });
    expect(parseUserId('@Alice:example.org', 'strict')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/outside a-z/),
    });
  });
});
