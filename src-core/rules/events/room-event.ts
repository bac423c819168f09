import type { JsonObject } from '../json';
import type { RoomVersion } from '../room-versions';
import { roomIdFromCreateEventId } from '../hashes/room-id';
import type { EventReference, Pdu } from './pdu';

/**
 * A PDU plus its event ID, with the version-dependent parts normalised so rules code does not
 * care about the room version's wire format (prev/auth event pairs in v1/v2, `redacts` moving
 * into content in v11).
 */
export interface RoomEvent {
  readonly eventId: string;
  readonly roomId: string;
  readonly type: string;
  /** Present (possibly "") exactly when this is a state event. */
  readonly stateKey: string | undefined;
  readonly sender: string;
  readonly content: JsonObject;
  readonly originServerTs: number;
  readonly depth: number;
  readonly prevEventIds: readonly string[];
  readonly authEventIds: readonly string[];
  /** The target of an `m.room.redaction`, wherever this room version keeps it. */
  readonly redacts: string | undefined;
  /** The signed wire form, untouched. */
  readonly pdu: Pdu;
}

function referenceIds(refs: readonly EventReference[]): string[] {
  return refs.map((ref) => (typeof ref === 'string' ? ref : ref[0]));
}

/**
 * Builds the normalised view. The PDU must already have passed format validation (which only
 * lets a v12+ create event omit room_id).
 */
export function toRoomEvent(pdu: Pdu, eventId: string, version: RoomVersion): RoomEvent {
  const redactsField = version.redactsInContent ? pdu.content['redacts'] : pdu['redacts'];
  return {
    eventId,
    roomId: typeof pdu['room_id'] === 'string' ? pdu['room_id'] : roomIdFromCreateEventId(eventId),
    type: pdu.type,
    stateKey: typeof pdu['state_key'] === 'string' ? pdu['state_key'] : undefined,
    sender: pdu.sender,
    content: pdu.content,
    originServerTs: pdu.origin_server_ts,
    depth: pdu.depth,
    prevEventIds: referenceIds(pdu.prev_events),
    authEventIds: referenceIds(pdu.auth_events),
    redacts: typeof redactsField === 'string' ? redactsField : undefined,
    pdu,
  };
}

export function isStateEvent(event: RoomEvent): boolean {
  return event.stateKey !== undefined;
}
