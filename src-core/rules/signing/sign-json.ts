/**
 * Signing JSON (spec appendix "Signing JSON" → "Signing Details"): the signature covers the
 * canonical JSON of the object without `signatures` and `unsigned`, and is added under
 * `signatures[serverName][keyId]` next to any signatures already there.
 */
import { encodeBase64 } from '../base64';
import { canonicalJsonBytes } from '../canonical-json/canonical-json';
import type { Signatures } from '../events/pdu';
import type { JsonObject } from '../json';
import { isJsonObject } from '../json';
import type { SigningKey } from './signing-key';
import { ed25519Sign } from './sodium';

/** The bytes a signature covers: canonical JSON without `signatures` and `unsigned`. */
export function signableBytes(value: JsonObject): Uint8Array {
  const { signatures: _signatures, unsigned: _unsigned, ...signed } = value;
  return canonicalJsonBytes(signed);
}

/** The unpadded base64 signature of `value` by `key`, without attaching it. */
export function computeJsonSignature(value: JsonObject, key: SigningKey): string {
  return encodeBase64(ed25519Sign(signableBytes(value), key.seed, key.publicKey));
}

/**
 * Returns a copy of `value` signed by `serverName` with `key`, its existing signatures kept (a
 * signature from the same server and key ID is replaced). Does not mutate `value`. Throws
 * `CanonicalJsonError` if the value cannot be canonical JSON, and an Error if an existing
 * `signatures` member is not an object of objects.
 */
export function signJson<T extends JsonObject>(
  value: T,
  serverName: string,
  key: SigningKey,
): T & { signatures: Signatures } {
  const existing = value['signatures'];
  if (existing !== undefined && !isJsonObject(existing)) {
    throw new Error(`cannot sign as ${serverName}: existing "signatures" is not an object`);
  }
  const serverSignatures = existing?.[serverName];
  if (serverSignatures !== undefined && !isJsonObject(serverSignatures)) {
    throw new Error(`cannot sign as ${serverName}: existing signatures for it are not an object`);
  }
  const signature = computeJsonSignature(value, key);
  // Existing signatures are passed through as found; only our own entry is guaranteed a string.
  const signatures = {
    ...existing,
    [serverName]: { ...serverSignatures, [key.keyId]: signature },
  } as Signatures;
  return { ...value, signatures };
}
