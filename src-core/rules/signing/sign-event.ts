/**
 * Hashing and signing an outgoing event (server-server API "Adding hashes and signatures to
 * outgoing events"): add the content hash of the full event, sign the *redacted* event, and copy
 * the signature back onto the full event. Signing the redacted form is what lets a receiver still
 * verify an event it was only sent redacted.
 */
import type { EventHashes, Signatures } from '../events/pdu';
import { addContentHash } from '../hashes/content-hash';
import type { JsonObject } from '../json';
import { redactPdu } from '../redaction';
import type { RoomVersion } from '../room-versions';
import { signJson } from './sign-json';
import type { SigningKey } from './signing-key';

/**
 * Returns a copy of `pdu` with `hashes.sha256` (re)computed and `serverName`'s signature added to
 * any already present — so it also co-signs, e.g. a restricted join as the authorising server.
 * The content hash ignores `hashes`, `signatures` and `unsigned`, so re-hashing an event that
 * already carries one gives the same value. For v1/v2 rooms `event_id` must already be set: it
 * is covered by both the hash and the signature.
 */
export function signEvent<T extends JsonObject>(
  pdu: T,
  serverName: string,
  key: SigningKey,
  version: RoomVersion,
): T & { hashes: EventHashes; signatures: Signatures } {
  const hashed = addContentHash(pdu);
  const { signatures } = signJson(redactPdu(hashed, version), serverName, key);
  return { ...hashed, signatures };
}
