/**
 * Event hashes and IDs (server-server API "Calculating the content hash for an event",
 * "Calculating the reference hash for an event"; room versions 4+ event ID format; v12 room ID
 * from the create event, MSC4291).
 */
import { createHash } from 'node:crypto';
import { canonicalJsonBytes } from './peer-canonical-json';
import { unpaddedBase64, urlSafeUnpaddedBase64 } from './peer-base64';
import type { PeerJsonObject } from './peer-json';
import { redactPdu } from './peer-redaction';
import type { PeerRoomVersion } from './peer-room-versions';

function sha256(json: PeerJsonObject): Buffer {
  return createHash('sha256').update(canonicalJsonBytes(json)).digest();
}

/** sha256 over the event without `unsigned`, `signatures` and `hashes`, unpadded base64. */
export function contentHash(pdu: PeerJsonObject): string {
  const copy = { ...pdu };
  delete copy['unsigned'];
  delete copy['signatures'];
  delete copy['hashes'];
  return unpaddedBase64(sha256(copy));
}

/** sha256 over the redacted event without `signatures`, `unsigned` (and any `event_id`). */
export function referenceHash(pdu: PeerJsonObject, version: PeerRoomVersion): Buffer {
  const redacted = redactPdu(pdu, version);
  delete redacted['signatures'];
  delete redacted['unsigned'];
  delete redacted['event_id'];
  return sha256(redacted);
}

/** `$` + URL-safe unpadded base64 of the reference hash (room versions 4+). */
export function eventIdOf(pdu: PeerJsonObject, version: PeerRoomVersion): string {
  return `$${urlSafeUnpaddedBase64(referenceHash(pdu, version))}`;
}

/** A v12 room ID: `!` + the create event's reference hash, same encoding as its event ID. */
export function roomIdFromCreateEventId(createEventId: string): string {
  return `!${createEventId.slice(1)}`;
}
