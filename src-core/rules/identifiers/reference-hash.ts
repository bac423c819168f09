/**
 * Reference hashes as they appear in v3+ event IDs and v12+ room IDs: a SHA-256 digest (32 bytes)
 * in unpadded base64, which is always 43 characters. v3 uses the standard alphabet; v4+ the
 * URL-safe one.
 *
 * We check alphabet and length but not that the last character's spare low bits are zero: no
 * peer computes such an ID, and the spec does not ask receivers to police it.
 */
export type Base64Alphabet = 'standard' | 'url';

const STANDARD = /^[A-Za-z0-9+/]{43}$/;
const URL_SAFE = /^[A-Za-z0-9_-]{43}$/;

export function isReferenceHash(text: string, alphabet: Base64Alphabet): boolean {
  return (alphabet === 'standard' ? STANDARD : URL_SAFE).test(text);
}
