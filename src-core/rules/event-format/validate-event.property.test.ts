/**
 * Robustness: random mutations of valid events must always produce a typed answer, never an
 * exception, and a rejection must carry a known code, a `$`-rooted path and a sentence.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJsonBytes } from '../canonical-json/canonical-json';
import type { JsonValue } from '../json';
import { getRoomVersion } from '../room-versions';
import type { EventFormatErrorCode } from './event-format-error';
import { VALID_SAMPLES } from './fixtures/sample-pdus';
import { checkJsonShape } from './json-shape';
import { MAX_PDU_BYTES, validatePdu } from './validate-event';

const CODES: ReadonlySet<EventFormatErrorCode> = new Set<EventFormatErrorCode>([
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
]);

const HUGE_STRING = 'h'.repeat(100_000);

function deepNest(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
  return value;
}

/** Values chosen to break naive validators. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({
    maxDepth: 3,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withTypedArray: true,
    key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype')),
  }),
  fc.double(),
  fc.constantFrom(
    HUGE_STRING,
    'é'.repeat(200),
    '\ud800',
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 63,
    NaN,
    undefined,
    '',
    '@',
    '$',
    '!',
    '@a:b',
    '@:',
    '[::1]',
  ),
  fc.integer({ min: 990, max: 1100 }).map(deepNest),
  fc.constant(
    JSON.parse(
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
    ) as unknown,
  ),
);

type Mutation =
  | { kind: 'delete'; target: number }
  | { kind: 'set'; target: number; key: string; value: unknown }
  | { kind: 'replace-root'; value: unknown }
  | { kind: 'grow-array'; target: number; count: number };

const TOP_KEYS = [
  'type',
  'sender',
  'room_id',
  'event_id',
  'content',
  'origin_server_ts',
  'depth',
  'prev_events',
  'auth_events',
  'hashes',
  'signatures',
  'unsigned',
  'state_key',
  'redacts',
  'membership',
  'users',
  'ban',
  'sha256',
  '__proto__',
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), target: fc.nat() }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      target: fc.nat(),
      key: fc.oneof(fc.constantFrom(...TOP_KEYS), fc.string({ maxLength: 8 })),
      value: nastyValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('replace-root' as const), value: nastyValue }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('grow-array' as const),
      target: fc.nat(),
      count: fc.integer({ min: 1, max: 30 }),
    }),
  },
);

/**
 * Containers near the top of the value, parents before children. Earlier mutations may have
 * planted cycles or 1000-deep nesting, so the walk is bounded and remembers what it saw.
 */
function containers(root: unknown): (Record<string, unknown> | unknown[])[] {
  const found: (Record<string, unknown> | unknown[])[] = [];
  const seen = new Set<unknown>();
  const walk = (value: unknown, depth: number): void => {
    if (typeof value !== 'object' || value === null || seen.has(value) || depth > 6) return;
    seen.add(value);
    const container = value as Record<string, unknown> | unknown[];
    found.push(container);
    for (const child of Object.values(container)) walk(child, depth + 1);
  };
  walk(root, 0);
  return found;
}

function applyMutation(root: unknown, m: Mutation): unknown {
  if (m.kind === 'replace-root') return m.value;
  const all = containers(root);
  const target = all[m.target % Math.max(1, all.length)];
  if (target === undefined) return root;
  if (Array.isArray(target)) {
    if (m.kind === 'delete') target.splice(m.target % Math.max(1, target.length), 1);
    else if (m.kind === 'set') target[m.target % (target.length + 1)] = m.value;
    else for (let i = 0; i < m.count; i++) target.push(target[0] ?? '$x');
    return root;
  }
  const keys = Object.keys(target);
  if (m.kind === 'delete') {
    const key = keys[m.target % Math.max(1, keys.length)];
    if (key !== undefined) Reflect.deleteProperty(target, key);
  } else if (m.kind === 'set') {
    // defineProperty makes an own "__proto__" key (as JSON.parse does) instead of re-prototyping.
    Object.defineProperty(target, m.key, {
      value: m.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return root;
}

describe('validatePdu on random malformed events', () => {
  it('always answers with a typed result and never throws (10,000 mutants)', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.nat({ max: VALID_SAMPLES.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (sampleIndex, mutations) => {
          const sample = VALID_SAMPLES[sampleIndex];
          if (sample === undefined) return;
          let event: unknown = sample.build();
          for (const m of mutations) event = applyMutation(event, m);
          const result = validatePdu(event, getRoomVersion(sample.version));
          expect(typeof result.ok).toBe('boolean');
          if (result.ok) {
            expect(result.pdu).toBe(event);
            // Whatever was accepted really is signable canonical JSON within the size limit.
            if (getRoomVersion(sample.version).strictCanonicalJson) {
              expect(canonicalJsonBytes(result.pdu).length).toBeLessThanOrEqual(MAX_PDU_BYTES);
            }
            seen.set('ok', (seen.get('ok') ?? 0) + 1);
          } else {
            expect(CODES.has(result.error.code)).toBe(true);
            expect(result.error.code).not.toBe('internal_error');
            expect(result.error.path.startsWith('$')).toBe(true);
            expect(typeof result.error.message).toBe('string');
            expect(result.error.message.length).toBeGreaterThan(0);
            seen.set(result.error.code, (seen.get(result.error.code) ?? 0) + 1);
          }
        },
      ),
      { seed: 42, numRuns: 10_000 },
    );
    // The generator really exercises the validator: most mutants fail, in many different ways.
    expect(seen.size).toBeGreaterThanOrEqual(10);
    // No mutant managed to pollute the shared prototype.
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('checkJsonShape measures canonical JSON exactly', () => {
  it('agrees with the canonical JSON serialiser on random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        let expected: number;
        try {
          expected = canonicalJsonBytes(value as JsonValue).length;
        } catch {
          // Floats and unsafe integers: the strict walk must refuse them too.
          const result = checkJsonShape(value, {
            strictNumbers: true,
            maxBytes: 1e9,
            maxNesting: 100,
          });
          expect(result.ok).toBe(false);
          return;
        }
        expect(
          checkJsonShape(value, { strictNumbers: true, maxBytes: 1e9, maxNesting: 100 }),
        ).toEqual({
          ok: true,
          bytes: expected,
        });
      }),
      { seed: 42, numRuns: 2_000 },
    );
  });
});
