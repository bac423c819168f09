/** Unpadded base64 (spec appendices), standard and URL-safe (event IDs of room v4+). */

export function unpaddedBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

export function urlSafeUnpaddedBase64(bytes: Uint8Array): string {
  return unpaddedBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_');
}

/** Accepts padded or unpadded standard base64; throws on anything else. */
export function decodeUnpaddedBase64(text: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new Error(`not base64: ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Buffer.from(text, 'base64');
}
