/**
 * The content hash (server-server API "Calculating the content hash for an event"): SHA-256 of
 * the canonical JSON of the *unredacted* event without `unsigned`, `signatures` and `hashes`.
 * Signatures cover the redacted event plus this hash, so a receiver can tell a redacted copy
 * (signature valid, hash wrong) from a forged one (signature invalid).
 */
import { decodeBase64, encodeBase64 } from '../base64';
import { canonicalJsonBytes } from '../canonical-json/canonical-json';
import type { EventHashes } from '../events/pdu';
import type { JsonObject } from '../json';
import { isJsonObject } from '../json';
import { sha256 } from './sha256';

/** The raw 32-byte content hash. Throws `CanonicalJsonError` on non-canonical values. */
export function computeContentHash(pdu: JsonObject): Uint8Array {
  const { unsigned: _unsigned, signatures: _signatures, hashes: _hashes, ...hashed } = pdu;
  return sha256(canonicalJsonBytes(hashed));
}

/**
 * Returns a copy with `hashes.sha256` set to the content hash (other algorithms already in
 * `hashes` are kept, as Synapse does). Does not mutate its input.
 */
export function addContentHash<T extends JsonObject>(pdu: T): T & { hashes: EventHashes } {
  const existing = pdu['hashes'];
  const hashes = {
    ...(isJsonObject(existing) ? existing : {}),
    sha256: encodeBase64(computeContentHash(pdu)),
  } as EventHashes;
  return { ...pdu, hashes };
}

/**
 * Whether `hashes.sha256` matches the event's content. False when it is missing, not base64 or
 * different — and when the event cannot be canonical JSON. A false answer on an event whose
 * signatures verified means "treat it as redacted" (spec: "Validating hashes and signatures on
 * received events").
 */
export function checkContentHash(pdu: JsonObject): boolean {
  const hashes = pdu['hashes'];
  if (!isJsonObject(hashes)) return false;
  const claimed = hashes['sha256'];
  if (typeof claimed !== 'string') return false;
  let claimedBytes: Uint8Array;
  let actual: Uint8Array;
  try {
    claimedBytes = decodeBase64(claimed);
    actual = computeContentHash(pdu);
  } catch {
    return false;
  }
  return claimedBytes.length === actual.length && claimedBytes.every((b, i) => b === actual[i]);
}
