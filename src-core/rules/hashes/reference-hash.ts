/**
 * The reference hash (server-server API "Calculating the reference hash for an event"): SHA-256
 * of the canonical JSON of the *redacted* event without `signatures` and `unsigned`. It is the
 * event ID from room v3 on, and the room ID from v12 on.
 *
 * Synapse also drops a top-level `age_ts` here; our redaction never keeps one, so there is
 * nothing extra to remove.
 */
import type { JsonObject } from '../json';
import type { RoomVersion } from '../room-versions';
import { redactedEventBytes } from './redacted-event-bytes';
import { sha256 } from './sha256';

/** The raw 32-byte reference hash. Throws `CanonicalJsonError` on non-canonical values. */
export function computeReferenceHash(pdu: JsonObject, version: RoomVersion): Uint8Array {
  return sha256(redactedEventBytes(pdu, version));
}
