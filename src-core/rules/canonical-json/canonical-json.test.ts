import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../json';
import {
  CanonicalJsonError,
  MAX_SAFE_CANONICAL_INTEGER,
  canonicalJson,
  canonicalJsonBytes,
  compareCodePoints,
} from './canonical-json';

/** Spec appendix "Canonical JSON" → "Examples": input text and the exact canonical output. */
const SPEC_EXAMPLES: readonly [input: string, canonical: string][] = [
  ['{}', '{}'],
  ['{\n    "one": 1,\n    "two": "Two"\n}', '{"one":1,"two":"Two"}'],
  ['{\n    "b": "2",\n    "a": "1"\n}', '{"a":"1","b":"2"}'],
  ['{"b":"2","a":"1"}', '{"a":"1","b":"2"}'],
  [
    `{
      "auth": {
        "success": true,
        "mxid": "@john.doe:example.com",
        "profile": {
          "display_name": "John Doe",
          "three_pids": [
            { "medium": "email", "address": "john.doe@example.org" },
            { "medium": "msisdn", "address": "123456789" }
          ]
        }
      }
    }`,
    '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}',
  ],
  ['{\n    "a": "日本語"\n}', '{"a":"日本語"}'],
  ['{\n    "本": 2,\n    "日": 1\n}', '{"日":1,"本":2}'],
  ['{\n    "a": "\\u65E5"\n}', '{"a":"日"}'],
  ['{\n    "a": null\n}', '{"a":null}'],
  ['{\n    "a": -0,\n    "b": 1e10\n}', '{"a":0,"b":10000000000}'],
];

function canonicalError(value: JsonValue): CanonicalJsonError {
  try {
    canonicalJson(value);
  } catch (error) {
    expect(error).toBeInstanceOf(CanonicalJsonError);
    return error as CanonicalJsonError;
  }
  throw new Error('expected canonicalJson to throw');
}

describe('canonicalJson: spec appendix examples', () => {
  it.each(SPEC_EXAMPLES)('%s', (input, canonical) => {
    expect(canonicalJson(JSON.parse(input) as JsonValue)).toBe(canonical);
  });

  it('encodes as UTF-8 bytes, not escapes', () => {
    expect([...canonicalJsonBytes({ a: '日' })]).toEqual([
      0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe6, 0x97, 0xa5, 0x22, 0x7d,
    ]);
  });
});

describe('canonicalJson: key order is by code point', () => {
  it('puts astral keys after BMP keys above the surrogate range', () => {
    // UTF-16 order would say "😀" (0xD83D…) < "\uffff"; code point order says U+1F600 > U+FFFF.
    const value = { '😀': 1, '\uffff': 2, '\ue000': 3, a: 4, é: 5 };
    expect(canonicalJson(value)).toBe('{"a":4,"é":5,"\ue000":3,"\uffff":2,"😀":1}');
  });

  it('orders astral keys among themselves and prefixes first', () => {
    expect(canonicalJson({ '𝔸b': 1, '𝔸': 2, '😀': 3, '𐀀': 4 })).toBe('{"𐀀":4,"𝔸":2,"𝔸b":1,"😀":3}');
  });

  it('sorts integer-like keys as strings, not in JavaScript property order', () => {
    expect(canonicalJson({ 9: 'a', 10: 'b', a: 'c', '-1': 'd' })).toBe(
      '{"-1":"d","10":"b","9":"a","a":"c"}',
    );
  });

  it('compareCodePoints agrees with sorting by code point arrays', () => {
    const byCodePoints = (a: string, b: string): number => {
      const x = [...a].map((c) => c.codePointAt(0) ?? 0);
      const y = [...b].map((c) => c.codePointAt(0) ?? 0);
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
      }
      return x.length - y.length;
    };
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(byCodePoints(a, b)));
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('canonicalJson: strings', () => {
  it('escapes control characters with the short forms or lowercase \\u00xx', () => {
    const all = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('');
    expect(canonicalJson(all)).toBe(
      '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f' +
        '\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"',
    );
  });

  it('escapes only " and \\ among printable characters', () => {
    expect(canonicalJson('"\\/\u007f\u2028\u2029<>&\'')).toBe('"\\"\\\\/\u007f\u2028\u2029<>&\'"');
  });

  it('rejects lone surrogates in values and keys, with the path', () => {
    expect(canonicalError({ a: ['\ud800'] }).path).toBe('$.a[0]');
    expect(canonicalError({ ['x\udc00']: 1 }).message).toContain('lone UTF-16 surrogate');
    expect(canonicalJson('\ud83d\ude00')).toBe('"😀"');
  });
});

describe('canonicalJson: numbers', () => {
  it('writes -0 as 0', () => {
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson({ a: [-0] })).toBe('{"a":[0]}');
  });

  it('writes large integers without exponents', () => {
    expect(canonicalJson(1e20 / 1e5)).toBe('1000000000000000');
    expect(canonicalJson(MAX_SAFE_CANONICAL_INTEGER)).toBe('9007199254740991');
    expect(canonicalJson(-MAX_SAFE_CANONICAL_INTEGER)).toBe('-9007199254740991');
  });

  it.each([1.5, -0.1, Number.NaN, Number.POSITIVE_INFINITY])('rejects non-integer %s', (n) => {
    expect(canonicalError({ n }).message).toContain('is not an integer');
  });

  it.each([2 ** 53, -(2 ** 53), 1e21])('rejects out-of-range %s', (n) => {
    expect(canonicalError({ content: { n } }).path).toBe('$.content.n');
  });
});

describe('canonicalJson: properties', () => {
  /** JSON objects made only of values canonical JSON can carry. */
  const canonicalValue = fc.letrec<{ value: JsonValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      fc.integer({ min: -MAX_SAFE_CANONICAL_INTEGER, max: MAX_SAFE_CANONICAL_INTEGER }),
      fc.string({ unit: 'grapheme' }),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 6 }), tie('value'), {
        maxKeys: 5,
      }),
    ),
  })).value;

  function reverseKeys(value: JsonValue): JsonValue {
    if (Array.isArray(value)) return value.map(reverseKeys);
    if (value === null || typeof value !== 'object') return value;
    const out: JsonObject = {};
    for (const key of Object.keys(value).reverse()) out[key] = reverseKeys(value[key] as JsonValue);
    return out;
  }

  it('is stable under key permutation and round-trips through JSON.parse', () => {
    fc.assert(
      fc.property(canonicalValue, (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(reverseKeys(value))).toBe(text);
        const reparsed = JSON.parse(text) as JsonValue;
        expect(canonicalJson(reparsed)).toBe(text);
        expect(reparsed).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('matches JSON.stringify of the value with keys pre-sorted by code point', () => {
    const sortKeys = (value: JsonValue): JsonValue => {
      if (Array.isArray(value)) return value.map(sortKeys);
      if (value === null || typeof value !== 'object') return value;
      const out: JsonObject = {};
      for (const key of Object.keys(value).sort(compareCodePoints)) {
        out[key] = sortKeys(value[key] as JsonValue);
      }
      return out;
    };
    fc.assert(
      fc.property(canonicalValue, (value) => {
        // Integer-like keys ("1") would be reordered by JS objects themselves, so skip them here.
        fc.pre(!/"\d+":/.test(JSON.stringify(value)));
        expect(canonicalJson(value)).toBe(JSON.stringify(sortKeys(value)));
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
