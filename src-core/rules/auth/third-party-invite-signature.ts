/**
 * Third-party invite rule "if any signature in `signed` matches any public key in the
 * m.room.third_party_invite event, allow" (rule 5.4.1.7 in v12 numbering). The identity server
 * signed `{mxid, token, signatures}`; its public keys were published in the invite event as
 * `public_key` and/or `public_keys[].public_key` (unpadded base64 ed25519 keys).
 */
import { decodeBase64 } from '../base64';
import type { JsonObject } from '../json';
import { isJsonObject } from '../json';

/** Checks one server's signature with one key id against a given ed25519 public key. */
export type JsonSignatureVerifier = (
  value: JsonObject,
  serverName: string,
  keyId: string,
  publicKey: Uint8Array,
) => boolean;

/**
 * Every public key the invite event offers, decoded, in the order the spec lists them. A key
 * that is not base64 cannot match any signature, so it is skipped (Synapse likewise moves on).
 */
export function thirdPartyInvitePublicKeys(inviteContent: JsonObject): Uint8Array[] {
  const encoded: string[] = [];
  const single = inviteContent['public_key'];
  if (typeof single === 'string') encoded.push(single);
  const list = inviteContent['public_keys'];
  if (Array.isArray(list)) {
    for (const entry of list) {
      if (isJsonObject(entry) && typeof entry['public_key'] === 'string') {
        encoded.push(entry['public_key']);
      }
    }
  }
  const keys: Uint8Array[] = [];
  for (const text of encoded) {
    try {
      keys.push(decodeBase64(text));
    } catch {
      continue;
    }
  }
  return keys;
}

export function thirdPartyInviteSignatureMatches(
  signed: JsonObject,
  inviteContent: JsonObject,
  verify: JsonSignatureVerifier,
): boolean {
  const signatures = signed['signatures'];
  if (!isJsonObject(signatures)) return false;
  for (const publicKey of thirdPartyInvitePublicKeys(inviteContent)) {
    for (const [serverName, byKeyId] of Object.entries(signatures)) {
      if (!isJsonObject(byKeyId)) continue;
      for (const keyId of Object.keys(byKeyId)) {
        // Identity servers only sign with ed25519 (Synapse skips any other algorithm too).
        if (!keyId.startsWith('ed25519:')) continue;
        if (verify(signed, serverName, keyId, publicKey)) return true;
      }
    }
  }
  return false;
}
