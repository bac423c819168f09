/**
 * Checking for a signature (spec appendix "Signing JSON" → "Checking for a Signature").
 */
import { decodeBase64 } from '../base64';
import { CanonicalJsonError } from '../canonical-json/canonical-json';
import type { JsonObject } from '../json';
import { isJsonObject } from '../json';
import { signableBytes } from './sign-json';
import { ed25519Verify } from './sodium';

/** Finds the public key a server published under a key ID, or undefined if unknown. */
export type KeyLookup = (serverName: string, keyId: string) => Uint8Array | undefined;

export type SignatureCheck = { ok: true } | { ok: false; server: string; reason: string };

/** The only signing algorithm the spec defines; key IDs of any other algorithm are ignored. */
const ED25519_PREFIX = 'ed25519:';

function verifyBytes(signatureBase64: string, bytes: Uint8Array, publicKey: Uint8Array): boolean {
  let signature: Uint8Array;
  try {
    signature = decodeBase64(signatureBase64);
  } catch {
    return false;
  }
  return ed25519Verify(signature, bytes, publicKey);
}

/**
 * Whether `value` carries a valid signature by `serverName` under `keyId` for `publicKey`.
 * False (never a throw) when the signature is missing, malformed or wrong, or when the value
 * cannot be encoded as canonical JSON (then it cannot have been signed as Matrix signs).
 */
export function verifyJsonSignature(
  value: JsonObject,
  serverName: string,
  keyId: string,
  publicKey: Uint8Array,
): boolean {
  const signatures = value['signatures'];
  if (!isJsonObject(signatures)) return false;
  const serverSignatures = signatures[serverName];
  if (!isJsonObject(serverSignatures)) return false;
  const signature = serverSignatures[keyId];
  if (typeof signature !== 'string') return false;
  let bytes: Uint8Array;
  try {
    bytes = signableBytes(value);
  } catch (error) {
    if (error instanceof CanonicalJsonError) return false;
    throw error;
  }
  return verifyBytes(signature, bytes, publicKey);
}

/**
 * Checks that every server in `requiredServers` has signed `value`. Per the spec's checking
 * algorithm: key IDs of unknown algorithms are dropped, keys `keyLookup` does not know are
 * skipped, at least one known key must remain, and every signature by a known key must verify
 * (as Synapse's keyring does). Reports the first server that fails and why.
 */
export function checkSignatures(
  value: JsonObject,
  requiredServers: readonly string[],
  keyLookup: KeyLookup,
): SignatureCheck {
  const servers = [...new Set(requiredServers)];
  if (servers.length === 0) return { ok: true };
  const signatures = value['signatures'];
  let bytes: Uint8Array | undefined;
  for (const server of servers) {
    const serverSignatures = isJsonObject(signatures) ? signatures[server] : undefined;
    if (!isJsonObject(serverSignatures)) {
      return { ok: false, server, reason: `no signatures from ${server}` };
    }
    const keyIds = Object.keys(serverSignatures).filter((id) => id.startsWith(ED25519_PREFIX));
    if (keyIds.length === 0) {
      return { ok: false, server, reason: `no ed25519 signatures from ${server}` };
    }
    let verified = 0;
    for (const keyId of keyIds) {
      const publicKey = keyLookup(server, keyId);
      if (publicKey === undefined) continue;
      const signature = serverSignatures[keyId];
      if (typeof signature !== 'string') {
        return { ok: false, server, reason: `signature ${server} ${keyId} is not a string` };
      }
      if (bytes === undefined) {
        try {
          bytes = signableBytes(value);
        } catch (error) {
          if (!(error instanceof CanonicalJsonError)) throw error;
          return { ok: false, server, reason: `not canonical JSON: ${error.message}` };
        }
      }
      if (!verifyBytes(signature, bytes, publicKey)) {
        return { ok: false, server, reason: `signature by ${server} ${keyId} does not verify` };
      }
      verified++;
    }
    if (verified === 0) {
      return {
        ok: false,
        server,
        reason: `no known key for ${server} among ${keyIds.join(', ')}`,
      };
    }
  }
  return { ok: true };
}
