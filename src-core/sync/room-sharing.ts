/**
 * Who may share a room with whom, for what /sync shows (presence) and which EDUs we accept.
 *
 * A partial-stated room (faster joins) lacks the member events the resident omitted, so the
 * membership index cannot tell whether a remote user is in it. Its `servers_in_room` list is all
 * we know: every user of those servers is treated as possibly in the room. Synapse drops
 * presence here instead (synapse#13008); we would rather over-deliver presence than lose it.
 */
import { serverNameOf } from '../rules/identifiers/server-name-of';
import type { RoomServices } from '../rooms/room-services';
import type { SyncStore } from '../storage/sync-store';

/** Servers with joined members, plus `servers_in_room` while the room is partial-stated. */
export function serversInRoomApproximation(rooms: RoomServices, roomId: string): Set<string> {
  const servers = new Set(rooms.currentState.joinedServers(roomId));
  if (rooms.partialState.isPartialRoom(roomId)) {
    for (const server of rooms.partialState.serversInRoom(roomId)) servers.add(server);
  }
  return servers;
}

/** Servers named in `servers_in_room` of the partial-stated rooms `userId` is joined to. */
export function partialRoomServersOf(rooms: RoomServices, userId: string): Set<string> {
  const servers = new Set<string>();
  for (const row of rooms.currentState.roomsOfUser(userId, ['join'])) {
    if (!rooms.partialState.isPartialRoom(row.roomId)) continue;
    for (const server of rooms.partialState.serversInRoom(row.roomId)) servers.add(server);
  }
  return servers;
}

/**
 * A predicate "may `other` share a room with `viewer`?", built once per /sync: yes for the
 * viewer, for users sharing a joined room in the membership index, and for users of a server
 * in one of the viewer's partial rooms' `servers_in_room`.
 */
export function mayShareRoomWith(
  rooms: RoomServices,
  syncStore: SyncStore,
  viewer: string,
): (other: string) => boolean {
  const partialServers = partialRoomServersOf(rooms, viewer);
  return (other) => {
    if (other === viewer) return true;
    const server = serverNameOf(other);
    if (server !== undefined && partialServers.has(server)) return true;
    return syncStore.sharesRoomWith(viewer, other);
  };
}

/**
 * Rooms whose long-polls should wake when something about `userId` changes: the rooms they are
 * joined to, and the partial rooms whose `servers_in_room` names their server.
 */
export function roomsToWakeFor(rooms: RoomServices, userId: string): string[] {
  const roomIds = new Set(rooms.currentState.roomsOfUser(userId, ['join']).map((r) => r.roomId));
  const server = serverNameOf(userId);
  if (server !== undefined) {
    for (const room of rooms.partialState.listRooms()) {
      if (rooms.partialState.serversInRoom(room.roomId).includes(server)) roomIds.add(room.roomId);
    }
  }
  return [...roomIds];
}
