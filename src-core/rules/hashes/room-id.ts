/**
 * Room v12 (MSC4291): the room ID is the create event's event ID with `!` in place of `$` —
 * i.e. `!` + URL-safe unpadded base64 of the create event's reference hash, with no domain
 * (spec appendix "Room IDs": "simply the event ID of the m.room.create event using ! as the
 * sigil instead of $").
 */
import type { JsonObject } from '../json';
import type { RoomVersion } from '../room-versions';
import { EventIdError, computeEventId } from './event-id';

/** The room ID a v12+ create event defines. Throws for versions whose room IDs are chosen freely. */
export function computeRoomIdFromCreateEvent(createPdu: JsonObject, version: RoomVersion): string {
  if (!version.roomIdFromCreateEvent) {
    throw new EventIdError(`room v${version.id} room IDs are not derived from the create event`);
  }
  return roomIdFromCreateEventId(computeEventId(createPdu, version));
}

/** `$hash` → `!hash`. */
export function roomIdFromCreateEventId(createEventId: string): string {
  if (!createEventId.startsWith('$')) {
    throw new EventIdError(`not an event ID: ${JSON.stringify(createEventId)}`);
  }
  return `!${createEventId.slice(1)}`;
}

/** `!hash` → `$hash`: the create event's ID, for v12+ rooms whose auth_events omit it. */
export function createEventIdFromRoomId(roomId: string): string {
  if (!roomId.startsWith('!') || roomId.includes(':')) {
    throw new EventIdError(`not a domainless room ID: ${JSON.stringify(roomId)}`);
  }
  return `$${roomId.slice(1)}`;
}
