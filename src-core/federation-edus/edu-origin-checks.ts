/**
 * Whether an EDU's origin may speak about a user or a room. A server speaks only for its own
 * users (spec: server-server "EDUs" — typing, receipts, presence and device lists are all about
 * the origin's users), and only about rooms it is in. While a room is partial-stated the
 * membership index lacks the omitted members, so `servers_in_room` from send_join counts as
 * "in the room" too (as Synapse's `get_current_hosts_in_room_or_partial_state_approximation`).
 * A room's EDUs from a server its `m.room.server_acl` denies are ignored like its PDUs are.
 */
import { serverNameOf } from '../rules/identifiers/server-name-of';
import { RoomServerAcl } from '../rooms/room-server-acl';
import type { RoomServices } from '../rooms/room-services';
import type { ServerSharingStore } from '../storage/server-sharing-store';
import { serversInRoomApproximation } from '../sync/room-sharing';

export function isUserOfOrigin(userId: string, origin: string): boolean {
  return serverNameOf(userId) === origin;
}

/** We take part in the room (a local user is joined, or our join is partial-stated). */
export function participatesIn(rooms: RoomServices, serverName: string, roomId: string): boolean {
  if (rooms.roomStore.getRoomVersion(roomId) === undefined) return false;
  return (
    rooms.partialState.isPartialRoom(roomId) ||
    rooms.currentState.joinedServers(roomId).includes(serverName)
  );
}

/**
 * We take part in the room, `origin` is in it (or named in its `servers_in_room`) and the
 * room's server ACL does not deny it.
 */
export function originInRoom(
  rooms: RoomServices,
  serverName: string,
  roomId: string,
  origin: string,
): boolean {
  return (
    participatesIn(rooms, serverName, roomId) &&
    serversInRoomApproximation(rooms, roomId).has(origin) &&
    new RoomServerAcl(rooms).allows(roomId, origin)
  );
}

/** Some room we take part in has `origin` in it (partial rooms: in `servers_in_room`). */
export function originSharesAnyRoom(
  rooms: RoomServices,
  sharing: ServerSharingStore,
  serverName: string,
  origin: string,
): boolean {
  if (sharing.shareJoinedRoom(serverName, origin)) return true;
  return rooms.partialState
    .listRooms()
    .some((room) => rooms.partialState.serversInRoom(room.roomId).includes(origin));
}
