/**
 * Canonical JSON (spec appendices "Canonical JSON"): no insignificant whitespace, object keys
 * sorted by Unicode code point, integers only within ±(2^53−1), strings with only the escapes the
 * grammar allows and everything else as raw UTF-8.
 */
import type { PeerJson } from './peer-json';

/** Code point order, not UTF-16 unit order: they differ for astral characters vs U+E000–U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const x = left[i]?.codePointAt(0) ?? 0;
    const y = right[i]?.codePointAt(0) ?? 0;
    if (x !== y) return x - y;
  }
  return left.length - right.length;
}

/**
 * JSON.stringify's string form is already the grammar's shortest one: `\"`, `\\`, the short
 * escapes \b \f \n \r \t, `\u00xx` (lower-case hex) for other controls, nothing else escaped.
 */
function encodeString(value: string): string {
  return JSON.stringify(value);
}

export function canonicalJson(value: PeerJson): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new Error(`canonical JSON allows only integers within ±(2^53−1), got ${value}`);
    }
    // `-0` must not appear; String(-0) is already "0".
    return String(value);
  }
  if (typeof value === 'string') return encodeString(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort(compareCodePoints);
  const members: string[] = [];
  for (const key of keys) {
    const member = value[key];
    if (member === undefined) continue;
    members.push(`${encodeString(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}

export function canonicalJsonBytes(value: PeerJson): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
