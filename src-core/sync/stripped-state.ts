/**
 * Stripped state for invites (spec: client-server "Stripped state"): the events a client needs
 * to show an invite, reduced to `type`, `state_key`, `sender`, `content`. A federated invite
 * carries them in `unsigned.invite_room_state`; for a room we hold, they come from its current
 * state. The invite event itself is always included.
 */
import { isJsonObject } from '../rules/json';
import type { JsonObject } from '../rules/json';
import type { RoomEvent } from '../rules/events/room-event';

/** The spec's recommended set. */
export const STRIPPED_STATE_TYPES = [
  'm.room.create',
  'm.room.name',
  'm.room.avatar',
  'm.room.topic',
  'm.room.join_rules',
  'm.room.canonical_alias',
  'm.room.encryption',
];

export function strippedEvent(event: RoomEvent): JsonObject {
  return {
    type: event.type,
    state_key: event.stateKey ?? '',
    sender: event.sender,
    content: event.content,
  };
}

export function strippedInviteState(
  invite: RoomEvent,
  currentStateEvent: (type: string) => RoomEvent | undefined,
): JsonObject[] {
  const unsigned = invite.pdu['unsigned'];
  const carried = isJsonObject(unsigned) ? unsigned['invite_room_state'] : undefined;
  const stripped: JsonObject[] = [];
  if (Array.isArray(carried)) {
    for (const item of carried) {
      if (isJsonObject(item) && typeof item['type'] === 'string') stripped.push(item);
    }
  } else {
    for (const type of STRIPPED_STATE_TYPES) {
      const event = currentStateEvent(type);
      if (event) stripped.push(strippedEvent(event));
    }
  }
  stripped.push(strippedEvent(invite));
  return stripped;
}
