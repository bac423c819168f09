import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Base64Error, decodeBase64, encodeBase64, encodeBase64Url } from './base64';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('encodeBase64 (spec appendix "Unpadded Base64" examples)', () => {
  it.each([
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ])('UNPADDED_BASE64(%j) = %j', (input, expected) => {
    expect(encodeBase64(text(input))).toBe(expected);
    expect(encodeBase64Url(text(input))).toBe(expected);
  });

  it('uses + and / in the standard alphabet and - and _ in the URL-safe one', () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xbf]);
    expect(encodeBase64(bytes)).toBe('+/+/');
    expect(encodeBase64Url(bytes)).toBe('-_-_');
  });

  it('encodes only the viewed part of a Uint8Array over a larger buffer', () => {
    const whole = text('xxfooxx');
    expect(encodeBase64(whole.subarray(2, 5))).toBe('Zm9v');
  });
});

describe('decodeBase64', () => {
  it.each([
    ['Zg', 'f'],
    ['Zg==', 'f'],
    ['Zm8', 'fo'],
    ['Zm8=', 'fo'],
    ['Zm9v', 'foo'],
    ['', ''],
  ])('accepts %j padded or not', (input, expected) => {
    expect(new TextDecoder().decode(decodeBase64(input))).toBe(expected);
  });

  it('accepts both alphabets', () => {
    expect([...decodeBase64('+/+/')]).toEqual([0xfb, 0xff, 0xbf]);
    expect([...decodeBase64('-_-_')]).toEqual([0xfb, 0xff, 0xbf]);
  });

  it.each([
    ['Zm9v!', 'unexpected character'],
    ['Zm 9v', 'unexpected character'],
    ['Zm9v\n', 'unexpected character'],
    ['Zg=a', 'unexpected character'],
    ['Zg===', 'unexpected character'],
    ['=Zg', 'unexpected character'],
    ['Z', 'impossible length'],
    ['Zm9vY', 'impossible length'],
    ['Zg=', 'wrong amount of padding'],
    ['Zm8==', 'wrong amount of padding'],
    ['Zm9v=', 'wrong amount of padding'],
  ])('rejects %j (%s)', (input, reason) => {
    expect(() => decodeBase64(input)).toThrow(Base64Error);
    expect(() => decodeBase64(input)).toThrow(reason);
  });

  it('round-trips arbitrary bytes through both encoders', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
        expect(decodeBase64(encodeBase64Url(bytes))).toEqual(bytes);
        expect(encodeBase64(bytes)).not.toMatch(/=/);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
