/**
 * Turns a stored PDU into the event format clients see (client-server API "Room Event Format"):
 * federation-only fields dropped, `unsigned` computed for the viewer, redactions applied.
 */
import type { JsonObject } from '../rules/json';
import type { RoomEvent } from '../rules/events/room-event';
import { redactPdu } from '../rules/redaction';
import type { RoomVersion } from '../rules/room-versions';

export interface ClientEventOptions {
  /** Now, to compute `unsigned.age`. */
  now: number;
  version: RoomVersion;
  /** The redaction that applies to this event, if any: content is stripped and it is named. */
  redactedBecause?: RoomEvent | undefined;
  /** Set only for the device that sent the event (spec: `unsigned.transaction_id`). */
  transactionId?: string | undefined;
  /** The state event this one replaced, for `unsigned.prev_content` / `replaces_state`. */
  replacesState?: RoomEvent | undefined;
  /** /sync omits room_id inside a room's section; everywhere else it is present. */
  includeRoomId?: boolean;
}

export function toClientEvent(event: RoomEvent, options: ClientEventOptions): JsonObject {
  const source = options.redactedBecause ? redactPdu(event.pdu, options.version) : event.pdu;
  const content = (source['content'] as JsonObject | undefined) ?? {};
  const unsigned: JsonObject = { age: Math.max(0, options.now - event.originServerTs) };
  if (options.transactionId !== undefined) unsigned['transaction_id'] = options.transactionId;
  if (options.redactedBecause) {
    unsigned['redacted_because'] = toClientEvent(options.redactedBecause, {
      now: options.now,
      version: options.version,
      includeRoomId: true,
    });
  }
  if (options.replacesState) {
    unsigned['replaces_state'] = options.replacesState.eventId;
    unsigned['prev_content'] = options.replacesState.content;
    unsigned['prev_sender'] = options.replacesState.sender;
  }
  const clientEvent: JsonObject = {
    event_id: event.eventId,
    type: event.type,
    sender: event.sender,
    content,
    origin_server_ts: event.originServerTs,
    unsigned,
  };
  if (options.includeRoomId !== false) clientEvent['room_id'] = event.roomId;
  if (event.stateKey !== undefined) clientEvent['state_key'] = event.stateKey;
  // Clients of every room version read `redacts` at the top level; v11 also keeps it in content.
  if (event.redacts !== undefined) clientEvent['redacts'] = event.redacts;
  return clientEvent;
}
