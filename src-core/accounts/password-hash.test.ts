import { describe, expect, it } from 'vitest';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password-hash';

// Small parameters keep this file fast; the format and the checks are the same.
const FAST = { N: 1024, r: 8, p: 1 };

describe('password hashes', () => {
  it('writes the self-describing scrypt$N$r$p$salt$hash format', async () => {
    const stored = await hashPassword('hunter2', FAST);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    // Fresh salt each time.
    expect(await hashPassword('hunter2', FAST)).not.toBe(stored);
  });

  it('verifies the right password and rejects others', async () => {
    const stored = await hashPassword('correct horse battery staple', FAST);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('uses the parameters stored with the hash, not the current defaults', async () => {
    const stored = await hashPassword('pw', { N: 2048, r: 4, p: 2 });
    expect(stored.startsWith('scrypt$2048$4$2$')).toBe(true);
    expect(await verifyPassword('pw', stored)).toBe(true);
  });

  it('treats NFKC-equivalent passwords as equal (ﬁ ligature vs "fi")', async () => {
    const stored = await hashPassword('\ufb01sh', FAST);
    expect(await verifyPassword('fish', stored)).toBe(true);
  });

  it('never matches a malformed or hostile stored hash', async () => {
    const good = await hashPassword('pw', FAST);
    const parts = good.split('$');
    const variants = [
      '',
      'bcrypt$2b$12$abc',
      parts.slice(0, 5).join('$'),
      ['scrypt', '1000', '8', '1', parts[4], parts[5]].join('$'), // N not a power of two
      ['scrypt', String(2 ** 30), '8', '1', parts[4], parts[5]].join('$'), // too costly
      ['scrypt', '1024', '0', '1', parts[4], parts[5]].join('$'),
      ['scrypt', '1024', '8', '1', '', parts[5]].join('$'),
      ['scrypt', '1024', '8', '1', parts[4], 'c2hvcnQ'].join('$'),
    ];
    for (const stored of variants) {
      expect(await verifyPassword('pw', stored), stored).toBe(false);
    }
  });

  it('has a dummy verification that always fails', async () => {
    expect(await verifyAgainstDummy('anything')).toBe(false);
  });
});
