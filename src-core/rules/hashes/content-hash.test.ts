import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../base64';
import { MINIMAL_EVENT_SIGNED, REDACTABLE_EVENT_SIGNED } from '../signing/fixtures/spec-vectors';
import { JKI_CREATE_EVENT } from './fixtures/jki-create-event';
import { addContentHash, checkContentHash, computeContentHash } from './content-hash';

describe('content hash', () => {
  it('reproduces the spec appendix event signing vectors', () => {
    expect(encodeBase64(computeContentHash(MINIMAL_EVENT_SIGNED))).toBe(
      '5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos',
    );
    expect(encodeBase64(computeContentHash(REDACTABLE_EVENT_SIGNED))).toBe(
      'onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g',
    );
  });

  it('matches the hash a real server (jki.re) put on its create event', () => {
    expect(checkContentHash(JKI_CREATE_EVENT)).toBe(true);
  });

  it('ignores unsigned, signatures and hashes', () => {
    const base = { type: 'X', content: { a: 1 } };
    const hash = computeContentHash(base);
    expect(
      computeContentHash({
        ...base,
        unsigned: { age: 1 },
        signatures: { s: { 'ed25519:1': 'x' } },
        hashes: { sha256: 'y', other: 'z' },
      }),
    ).toEqual(hash);
    expect(computeContentHash({ ...base, content: { a: 2 } })).not.toEqual(hash);
  });

  it('addContentHash returns a checked copy and keeps other hash algorithms', () => {
    const input = { type: 'X', content: {}, hashes: { sha512: 'keep' } };
    const hashed = addContentHash(input);
    expect(hashed.hashes).toEqual({
      sha512: 'keep',
      sha256: encodeBase64(computeContentHash(input)),
    });
    expect(input.hashes).toEqual({ sha512: 'keep' });
    expect(checkContentHash(hashed)).toBe(true);
  });

  it('checkContentHash is false for missing, malformed or wrong hashes and non-canonical events', () => {
    const hashed = addContentHash({ type: 'X', content: { body: 'hello' } });
    expect(checkContentHash({ ...hashed, content: { body: 'hellO' } })).toBe(false);
    expect(checkContentHash({ ...hashed, hashes: {} })).toBe(false);
    expect(checkContentHash({ ...hashed, hashes: { sha256: '!!' } })).toBe(false);
    expect(checkContentHash({ ...hashed, hashes: { sha256: 'AAAA' } })).toBe(false);
    expect(checkContentHash({ ...hashed, hashes: 'x' })).toBe(false);
    expect(checkContentHash({ type: 'X', content: {} })).toBe(false);
    expect(checkContentHash(addContentHash({ type: 'X', content: {} }))).toBe(true);
    expect(checkContentHash({ ...hashed, n: 0.5 })).toBe(false);
  });

  it('accepts a padded spelling of the same hash', () => {
    const hashed = addContentHash({ type: 'X', content: {} });
    expect(checkContentHash({ ...hashed, hashes: { sha256: `${hashed.hashes.sha256}=` } })).toBe(
      true,
    );
  });
});
