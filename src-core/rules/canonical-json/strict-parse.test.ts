import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError } from './canonical-json';
import { DEFAULT_MAX_DEPTH, StrictJsonParseError, parseJsonStrict } from './strict-parse';

function parseError(text: string, options?: Parameters<typeof parseJsonStrict>[1]) {
  try {
    parseJsonStrict(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(StrictJsonParseError);
    expect(error).toBeInstanceOf(CanonicalJsonError);
    return error as StrictJsonParseError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseJsonStrict: accepts what JSON.parse accepts', () => {
  const valid = [
    '{}',
    '[]',
    '0',
    '-0',
    '1.5e-3',
    '-12E+2',
    '"plain"',
    'true',
    'false',
    'null',
    ' \t\r\n{ "a" : [ 1 , 2 , { "b" : null } ] , "c" : "d" } \n',
    '"escapes \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00"',
    '"raw astral 😀 and BMP \uffff"',
    '{"":1,"a":{"":2}}',
    '{"__proto__":{"x":1}}',
  ];
  it.each(valid)('%s', (text) => {
    expect(parseJsonStrict(text)).toEqual(JSON.parse(text));
  });

  it('keeps __proto__ as an own key rather than a prototype', () => {
    const value = parseJsonStrict('{"__proto__":{"x":1}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
  });

  it('agrees with JSON.parse on arbitrary JSON without duplicate keys', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(parseJsonStrict(text)).toEqual(JSON.parse(text));
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('parseJsonStrict: rejects malformed JSON like JSON.parse does', () => {
  const invalid = [
    '',
    ' ',
    '{',
    '[1,]',
    '{"a":1,}',
    '{"a" 1}',
    '{a:1}',
    "'x'",
    '01',
    '-',
    '1.',
    '.5',
    '1e',
    '+1',
    'tru',
    'nul',
    'NaN',
    'Infinity',
    '"unterminated',
    '"bad \\x escape"',
    '"bad \\u12 escape"',
    '"raw\ncontrol"',
    '"tab\tinside"',
    '{} {}',
    '[1] x',
    '\ufeff{}',
  ];
  it.each(invalid)('%j', (text) => {
    expect(() => JSON.parse(text)).toThrow();
    parseError(text);
  });
});

describe('parseJsonStrict: the strict rules', () => {
  it('rejects duplicate keys with the path and offset of the second one', () => {
    const error = parseError('{"content":{"body":"a","body":"b"}}');
    expect(error.path).toBe('$.content.body');
    expect(error.offset).toBe(23);
    expect(error.message).toContain('duplicate object key "body"');
  });

  it('rejects duplicates spelt differently but decoding equal', () => {
    expect(parseError('{"a":1,"\\u0061":2}').message).toContain('duplicate object key "a"');
  });

  it('rejects duplicates in large objects (the Set path)', () => {
    const members = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`);
    expect(parseJsonStrict(`{${members.join(',')}}`)).toHaveProperty('k39', 39);
    members.push('"k3":0');
    expect(parseError(`{${members.join(',')}}`).path).toBe('$.k3');
  });

  it('allows the same key in sibling and nested objects', () => {
    expect(parseJsonStrict('[{"a":1},{"a":2,"b":{"a":3}}]')).toEqual([
      { a: 1 },
      { a: 2, b: { a: 3 } },
    ]);
  });

  it('rejects lone surrogate escapes, escaped or raw', () => {
    expect(parseError('"\\ud800"').message).toContain('lone UTF-16 surrogate');
    expect(parseError('"\\udc00"').message).toContain('lone UTF-16 surrogate');
    expect(parseError('"\\ud800\\u0041"').message).toContain('lone UTF-16 surrogate');
    expect(parseError('"\\udc00\\ud800"').message).toContain('lone UTF-16 surrogate');
    expect(parseError('{"\\ud800":1}').message).toContain('lone UTF-16 surrogate');
    expect(parseError('"\ud800"').message).toContain('lone UTF-16 surrogate');
    expect(parseError('"x\udc00"').message).toContain('lone UTF-16 surrogate');
    // An escaped high surrogate cannot pair with a raw low one (no UTF-8 byte sequence does that).
    expect(parseError('"\\ud83d\ude00"').message).toContain('lone UTF-16 surrogate');
    expect(parseJsonStrict('"\\ud83d\\ude00"')).toBe('😀');
    expect(parseJsonStrict('"\ud83d\ude00"')).toBe('😀');
  });

  it('reports the path inside arrays', () => {
    const error = parseError('{"pdus":[{},{"content":{"x":"\\udfff"}}]}');
    expect(error.path).toBe('$.pdus[1].content.x');
  });

  it('limits nesting depth, counting the top-level container as 1', () => {
    expect(DEFAULT_MAX_DEPTH).toBe(128);
    expect(parseJsonStrict('[[[]]]', { maxDepth: 3 })).toEqual([[[]]]);
    expect(parseError('[[[]]]', { maxDepth: 2 }).message).toContain('nesting deeper than 2');
    expect(parseError('{"a":{"b":{}}}', { maxDepth: 2 }).path).toBe('$.a.b');
    const deep = '['.repeat(DEFAULT_MAX_DEPTH + 1) + ']'.repeat(DEFAULT_MAX_DEPTH + 1);
    parseError(deep);
    expect(() => parseJsonStrict(deep.slice(1, -1))).not.toThrow();
  });

  it('survives nesting far deeper than the call stack would allow', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(parseError(deep).message).toContain('nesting deeper than 128');
    expect(() => parseJsonStrict(deep, { maxDepth: 300_000 })).not.toThrow();
  });

  it('rejects numbers that overflow to Infinity even without integersOnly', () => {
    expect(parseError('1e400').message).toContain('overflows');
    expect(parseError(`-${'9'.repeat(400)}`).message).toContain('overflows');
    expect(parseJsonStrict('1e300')).toBe(1e300);
  });
});

describe('parseJsonStrict: integersOnly (room v6+)', () => {
  const opts = { integersOnly: true };

  it('accepts the integer range ±(2^53−1)', () => {
    expect(parseJsonStrict('9007199254740991', opts)).toBe(9007199254740991);
    expect(parseJsonStrict('-9007199254740991', opts)).toBe(-9007199254740991);
    expect(parseJsonStrict('1000000000000000', opts)).toBe(1e15);
    expect(parseJsonStrict('[0,-0,1,-1]', opts)).toEqual([0, -0, 1, -1]);
  });

  it.each([
    '9007199254740992',
    '-9007199254740992',
    '9999999999999999',
    '10000000000000000',
    '123456789012345678901234567890',
  ])('rejects out-of-range %s', (text) => {
    expect(parseError(text, opts).message).toContain('outside ±(2^53−1)');
  });

  it.each(['1.0', '1.5', '1e2', '1E2', '-0.0', '0e0', '1e-2'])('rejects non-integer %s', (text) => {
    expect(parseError(text, opts).message).toContain('is not an integer');
  });

  it('points at the offending number', () => {
    const error = parseError('{"depth":3,"content":{"n":[1,2.5]}}', opts);
    expect(error.path).toBe('$.content.n[1]');
    expect(error.offset).toBe(29);
  });

  it('accepts floats and big integers when integersOnly is off', () => {
    expect(parseJsonStrict('[1.5,9007199254740993]')).toEqual([1.5, 2 ** 53]);
  });
});

describe('parseJsonStrict: throughput', () => {
  it('parses a 2 MB federation-like body and still catches a duplicate at its end', () => {
    const pdus = Array.from({ length: 4000 }, (_, i) => ({
      content: { body: `message ${i} ✓ 😀 "q"\n`, msgtype: 'm.text' },
      depth: i,
      hashes: { sha256: 'onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g' },
      origin_server_ts: 1_700_000_000_000 + i,
      prev_events: [`$prev${i}`],
      auth_events: [`$auth${i}a`, `$auth${i}b`],
      room_id: '!room:example.org',
      sender: `@user${i % 50}:example.org`,
      type: 'm.room.message',
    }));
    const text = JSON.stringify({ origin: 'example.org', pdus });
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(parseJsonStrict(text, { integersOnly: true })).toEqual(JSON.parse(text));
    const error = parseError(`${text.slice(0, -1)},"origin":"evil.example"}`);
    expect(error.path).toBe('$.origin');
    expect(error.offset).toBe(text.length);
  });
});
