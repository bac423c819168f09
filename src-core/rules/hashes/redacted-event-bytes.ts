/**
 * The one byte string a received event's reference hash and its signatures both cover: the
 * canonical JSON of the *redacted* event without `signatures` and `unsigned` (server-server API
 * "Calculating the reference hash for an event" and appendix "Signing JSON"). A receiver that
 * encodes it once can derive the event ID and check every signature from the same bytes instead
 * of redacting and encoding the event twice.
 */
import { canonicalJsonBytes } from '../canonical-json/canonical-json';
import type { JsonObject } from '../json';
import { redactPdu } from '../redaction';
import type { RoomVersion } from '../room-versions';

/** Throws `CanonicalJsonError` when the redacted event cannot be canonical JSON. */
export function redactedEventBytes(pdu: JsonObject, version: RoomVersion): Uint8Array {
  const { signatures: _signatures, unsigned: _unsigned, ...signed } = redactPdu(pdu, version);
  return canonicalJsonBytes(signed);
}
