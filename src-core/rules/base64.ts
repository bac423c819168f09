/**
 * Unpadded base64 (spec appendix "Unpadded Base64"). Matrix encodes with the standard alphabet
 * and no padding (URL-safe for v4+ event IDs), and decoders must accept input with or without
 * padding; we also accept either alphabet, since the alphabet never changes the meaning.
 */

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('base64')
    .replace(/=+$/, '');
}

export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

const BASE64_SHAPE = /^[A-Za-z0-9+/_-]*={0,2}$/;

export class Base64Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Base64Error';
  }
}

/**
 * Decodes standard or URL-safe base64, padded or not. Unlike Node's decoder, which silently
 * skips junk, anything that is not base64 is an error: signatures and keys must not be guessed.
 */
export function decodeBase64(text: string): Uint8Array {
  if (!BASE64_SHAPE.test(text)) throw new Base64Error('not base64: unexpected character');
  const body = text.replace(/=+$/, '');
  if (body.length % 4 === 1) throw new Base64Error('not base64: impossible length');
  if (text.length !== body.length && text.length % 4 !== 0) {
    throw new Base64Error('not base64: wrong amount of padding');
  }
  return new Uint8Array(Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}
