/**
 * Canonical JSON (spec appendix "Canonical JSON"): object keys in Unicode code point order, no
 * insignificant whitespace, UTF-8 with only the escapes JSON requires, integers only.
 *
 * Every signature and hash in Matrix is computed over these bytes, so one divergent byte breaks
 * federation. Two traps drive the shape of this file:
 * - JavaScript's default string order is by UTF-16 code unit, which puts astral characters
 *   (encoded as surrogates 0xD800–0xDFFF) before BMP characters 0xE000–0xFFFF. Code point order
 *   puts them after.
 * - `JSON.stringify` of a string already escapes exactly what canonical JSON escapes (`"`, `\`,
 *   and U+0000–U+001F, using `\b \f \n \r \t` or lowercase `\u00xx`) and leaves every other
 *   character raw — except a lone surrogate, which has no UTF-8 form; we refuse those.
 */
import type { JsonValue } from '../json';

/** The largest magnitude canonical JSON allows (spec: integers in [-(2^53)+1, (2^53)-1]). */
export const MAX_SAFE_CANONICAL_INTEGER = Number.MAX_SAFE_INTEGER;

export class CanonicalJsonError extends Error {
  /** JSON path of the offending value, like `$.content.body`. */
  readonly path: string;

  constructor(message: string, path: string) {
    super(`${message} at ${path}`);
    this.name = 'CanonicalJsonError';
    this.path = path;
  }
}

/** Orders strings by Unicode code point rather than by UTF-16 code unit. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    // A surrogate stands for a code point ≥ 0x10000, above every BMP character.
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function encodeString(value: string, path: string): string {
  if (!value.isWellFormed()) {
    throw new CanonicalJsonError('string contains a lone UTF-16 surrogate', path);
  }
  return JSON.stringify(value);
}

function encodeNumber(value: number, path: string): string {
  if (!Number.isInteger(value)) {
    throw new CanonicalJsonError(`number ${value} is not an integer`, path);
  }
  if (Math.abs(value) > MAX_SAFE_CANONICAL_INTEGER) {
    throw new CanonicalJsonError(`integer ${value} is outside ±(2^53−1)`, path);
  }
  // `-0` is an integer to JavaScript but has no canonical form other than `0`.
  return value === 0 ? '0' : String(value);
}

function encode(value: JsonValue, path: string, parts: string[]): void {
  switch (typeof value) {
    case 'string':
      parts.push(encodeString(value, path));
      return;
    case 'number':
      parts.push(encodeNumber(value, path));
      return;
    case 'boolean':
      parts.push(value ? 'true' : 'false');
      return;
    case 'object':
      if (value === null) {
        parts.push('null');
        return;
      }
      if (Array.isArray(value)) {
        parts.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) parts.push(',');
          encode(value[i] as JsonValue, `${path}[${i}]`, parts);
        }
        parts.push(']');
        return;
      }
      encodeObject(value, path, parts);
      return;
    default:
      throw new CanonicalJsonError(`${typeof value} is not a JSON value`, path);
  }
}

function encodeObject(value: { [key: string]: JsonValue }, path: string, parts: string[]): void {
  const keys = Object.keys(value).sort(compareCodePoints);
  parts.push('{');
  let first = true;
  for (const key of keys) {
    const child = value[key];
    // Like JSON.stringify, a property explicitly set to undefined is absent.
    if (child === undefined) continue;
    if (!first) parts.push(',');
    first = false;
    const childPath = `${path}.${key}`;
    parts.push(encodeString(key, childPath), ':');
    encode(child, childPath, parts);
  }
  parts.push('}');
}

/** Serialises a value as canonical JSON text. Throws `CanonicalJsonError` on non-canonical input. */
export function canonicalJson(value: JsonValue): string {
  const parts: string[] = [];
  encode(value, '$', parts);
  return parts.join('');
}

const utf8 = new TextEncoder();

/** The canonical JSON as UTF-8 bytes: what signatures and hashes are computed over. */
export function canonicalJsonBytes(value: JsonValue): Uint8Array {
  return utf8.encode(canonicalJson(value));
}
