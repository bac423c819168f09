import type { RoomEvent } from '../events/room-event';
import type { StateMap } from '../events/state-map';
import { stateKey } from '../events/state-map';
import type { RoomVersion } from '../room-versions';
import type { EventLookup } from './auth-chain';
import { compareEventIds } from './event-id-order';

const CREATE_KEY = stateKey('m.room.create', '');

/**
 * The create event of the room being resolved. In v12 the room ID is `!` + the create event's
 * reference hash (MSC4291), so the event ID follows from any event's room ID; otherwise (and as
 * a fallback) it is the `m.room.create` entry of the state sets. Should the sets disagree (only a
 * broken or hostile room), the smallest event ID wins so the answer stays order-independent.
 */
export function findRoomCreateEvent(
  version: RoomVersion,
  stateSets: readonly StateMap[],
  getEvent: EventLookup,
): RoomEvent | undefined {
  const candidates: string[] = [];
  for (const set of stateSets) {
    const id = set.get(CREATE_KEY);
    if (id !== undefined) candidates.push(id);
  }
  if (version.roomIdFromCreateEvent) {
    for (const set of stateSets) {
      for (const id of set.values()) {
        const roomId = getEvent(id)?.roomId;
        if (roomId?.startsWith('!')) {
          const create = getEvent(`$${roomId.slice(1)}`);
          if (create) return create;
        }
        break;
      }
    }
  }
  candidates.sort(compareEventIds);
  for (const id of candidates) {
    const event = getEvent(id);
    if (event) return event;
  }
  return undefined;
}
