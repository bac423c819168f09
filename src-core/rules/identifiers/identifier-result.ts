/**
 * Identifier parsers answer with a typed result instead of throwing: identifiers arrive from
 * untrusted peers, and a bad one is an ordinary outcome, not an exceptional one.
 */
export type IdentifierResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export function accept<T>(value: T): IdentifierResult<T> {
  return { ok: true, value };
}

export function refuse<T>(reason: string): IdentifierResult<T> {
  return { ok: false, reason };
}

/**
 * The spec's identifier limits are in UTF-8 bytes (spec v1.11 moved them to the appendix and
 * clarified "bytes"), not UTF-16 code units, so `string.length` is the wrong measure.
 */
export function utf8ByteLength(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Identifiers (user IDs, room IDs, aliases, event IDs) are capped at 255 bytes, sigil included. */
export const MAX_IDENTIFIER_BYTES = 255;

/**
 * The opaque part of room IDs, aliases, v1 event IDs and historical user localparts may hold any
 * Unicode scalar value except `:` and NUL. A lone surrogate has no UTF-8 form, so it is refused.
 */
export function isOpaqueLocalpart(value: string): boolean {
  return !value.includes(':') && !value.includes('\u0000') && value.isWellFormed();
}
