/**
 * One pass over an untrusted value that establishes it is JSON Matrix can sign, and measures the
 * size of its canonical JSON encoding without building it.
 *
 * It is iterative (an explicit stack) so hostile nesting cannot overflow the call stack, builds
 * paths only when reporting, and stops as soon as the byte budget is spent, so a 100 MB string
 * or a ten-million-element array costs no more than the budget.
 */
import { MAX_SAFE_CANONICAL_INTEGER } from '../canonical-json/canonical-json';
import { utf8ByteLength } from '../identifiers/identifier-result';
import { formatError, type EventFormatError } from './event-format-error';

export interface JsonShapeLimits {
  /** v6+: every number must be an integer within ±(2^53−1) (canonical JSON). */
  readonly strictNumbers: boolean;
  /** Budget for the canonical JSON encoding, in bytes. */
  readonly maxBytes: number;
  /** Deepest allowed container nesting (the top-level object is depth 1). */
  readonly maxNesting: number;
}

interface Frame {
  readonly value: unknown;
  readonly parent: Frame | undefined;
  /** `.key` or `[index]`; the root has ''. */
  readonly segment: string;
  readonly depth: number;
  /** Set on the marker pushed to leave a container, for cycle detection. */
  readonly leaving?: object;
}

function pathOf(frame: Frame): string {
  const segments: string[] = [];
  for (let f: Frame | undefined = frame; f !== undefined; f = f.parent) segments.push(f.segment);
  return `$${segments.reverse().join('')}`;
}

/** Plain data objects only: JSON.parse makes these; anything with another prototype is not JSON. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Bytes of `"…"` as canonical JSON writes it (JSON.stringify escapes exactly the same set). */
function encodedStringBytes(value: string): number {
  return utf8ByteLength(JSON.stringify(value));
}

function numberError(value: number, strict: boolean): string | undefined {
  if (!Number.isFinite(value)) return `${value} is not a JSON number`;
  if (!strict) return undefined;
  if (!Number.isInteger(value)) return `${value} is not an integer (canonical JSON has no floats)`;
  if (Math.abs(value) > MAX_SAFE_CANONICAL_INTEGER) {
    return `${value} is outside the canonical JSON range ±(2^53−1)`;
  }
  return undefined;
}

function numberBytes(value: number): number {
  // `-0` is written `0`; other integers as their digits; pre-v6 floats roughly as Python would.
  return Object.is(value, -0) ? 1 : JSON.stringify(value).length;
}

/** Returns the first problem found, or the canonical JSON byte size when there is none. */
export function checkJsonShape(
  root: unknown,
  limits: JsonShapeLimits,
): { ok: true; bytes: number } | { ok: false; error: EventFormatError } {
  let bytes = 0;
  const onPath = new Set<object>();
  const stack: Frame[] = [{ value: root, parent: undefined, segment: '', depth: 0 }];
  const tooLarge = (): { ok: false; error: EventFormatError } => ({
    ok: false,
    error: formatError(
      'too_large',
      '$',
      `the event is larger than ${limits.maxBytes} bytes of canonical JSON`,
    ),
  });
  const fail = (
    code: 'not_json' | 'invalid_string' | 'too_deep' | 'non_canonical_number',
    frame: Frame,
    message: string,
  ) => ({
    ok: false as const,
    error: formatError(code, pathOf(frame), message),
  });

  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    if (frame.leaving !== undefined) {
      onPath.delete(frame.leaving);
      continue;
    }
    const { value } = frame;
    switch (typeof value) {
      case 'string':
        // Every UTF-16 unit is at least one UTF-8 byte: refuse huge strings before encoding them.
        if (value.length > limits.maxBytes) return tooLarge();
        if (!value.isWellFormed()) {
          return fail('invalid_string', frame, 'string contains an unpaired UTF-16 surrogate');
        }
        bytes += encodedStringBytes(value);
        break;
      case 'number': {
        const problem = numberError(value, limits.strictNumbers);
        if (problem !== undefined) {
          return fail(Number.isFinite(value) ? 'non_canonical_number' : 'not_json', frame, problem);
        }
        bytes += numberBytes(value);
        break;
      }
      case 'boolean':
        bytes += value ? 4 : 5;
        break;
      case 'object': {
        if (value === null) {
          bytes += 4;
          break;
        }
        const depth = frame.depth + 1;
        if (depth > limits.maxNesting) {
          return fail('too_deep', frame, `nested deeper than ${limits.maxNesting} levels`);
        }
        if (onPath.has(value)) return fail('not_json', frame, 'value contains itself (a cycle)');
        if (Array.isArray(value)) {
          // `[`, `]`, commas, and at least one byte per element.
          if (2 * value.length + 1 > limits.maxBytes) return tooLarge();
          bytes += 2 + Math.max(0, value.length - 1);
          onPath.add(value);
          stack.push({ value: undefined, parent: frame, segment: '', depth, leaving: value });
          for (let i = value.length - 1; i >= 0; i--) {
            if (!(i in value)) {
              return fail(
                'not_json',
                { value: undefined, parent: frame, segment: `[${i}]`, depth },
                'array has a hole',
              );
            }
            stack.push({ value: value[i], parent: frame, segment: `[${i}]`, depth });
          }
        } else if (isPlainObject(value)) {
          const keys = Object.keys(value);
          // `{`, `}`, and per member at least `"":0` plus a comma.
          if (5 * keys.length + 1 > limits.maxBytes) return tooLarge();
          bytes += 2 + Math.max(0, keys.length - 1);
          onPath.add(value);
          stack.push({ value: undefined, parent: frame, segment: '', depth, leaving: value });
          for (let i = keys.length - 1; i >= 0; i--) {
            const key = keys[i] as string;
            const child: Frame = { value: value[key], parent: frame, segment: `.${key}`, depth };
            if (!key.isWellFormed()) {
              return fail(
                'invalid_string',
                child,
                'object key contains an unpaired UTF-16 surrogate',
              );
            }
            bytes += encodedStringBytes(key) + 1;
            stack.push(child);
          }
        } else {
          return fail('not_json', frame, 'value is an object that is not plain JSON data');
        }
        break;
      }
      default:
        return fail('not_json', frame, `${typeof value} is not a JSON value`);
    }
    if (bytes > limits.maxBytes) return tooLarge();
  }
  return { ok: true, bytes };
}
