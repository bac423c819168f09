/**
 * Event IDs per room version (`eventIdFormat` in room-versions.ts):
 * - v1/v2: chosen by the sending server and carried in the PDU as `event_id` (`$opaque:domain`).
 * - v3: `$` + the reference hash in standard unpadded base64.
 * - v4+: `$` + the reference hash in URL-safe unpadded base64 (so IDs can sit in URL paths).
 */
import { encodeBase64, encodeBase64Url } from '../base64';
import type { JsonObject } from '../json';
import type { RoomVersion } from '../room-versions';
import { redactedEventBytes } from './redacted-event-bytes';
import { sha256 } from './sha256';

export class EventIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventIdError';
  }
}

/**
 * The event's ID under `version`. Throws `EventIdError` when a v1/v2 PDU has no string
 * `event_id`, and `CanonicalJsonError` when a hashed event is not canonical JSON.
 */
export function computeEventId(pdu: JsonObject, version: RoomVersion): string {
  return computeEventIdFromBytes(pdu, version, () => redactedEventBytes(pdu, version));
}

/**
 * `computeEventId` with the redacted bytes supplied by the caller (`redactedEventBytes`), who
 * needs them for the signature check as well; asked for only when the version hashes them.
 */
export function computeEventIdFromBytes(
  pdu: JsonObject,
  version: RoomVersion,
  redactedBytes: () => Uint8Array,
): string {
  switch (version.eventIdFormat) {
    case 'v1': {
      const eventId = pdu['event_id'];
      if (typeof eventId !== 'string') {
        throw new EventIdError(`room v${version.id} event has no string event_id`);
      }
      return eventId;
    }
    case 'v3':
      return `$${encodeBase64(sha256(redactedBytes()))}`;
    case 'v4':
      return `$${encodeBase64Url(sha256(redactedBytes()))}`;
  }
}
