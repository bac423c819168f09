/**
 * Where a local user's EDUs go: the servers in the room — joined servers in current state and,
 * while the room is partial-stated, the `servers_in_room` the resident named at send_join
 * (reference §4 "Receipts, typing (outgoing)"; Synapse #14549) — never ourselves.
 */
import type { RoomServices } from '../rooms/room-services';
import { serversInRoomApproximation } from '../sync/room-sharing';

export function roomEduDestinations(
  rooms: RoomServices,
  serverName: string,
  roomId: string,
): string[] {
  const servers = serversInRoomApproximation(rooms, roomId);
  servers.delete(serverName);
  return [...servers].sort();
}

/** Every server sharing one of the user's joined rooms (presence goes there). */
export function userEduDestinations(
  rooms: RoomServices,
  serverName: string,
  userId: string,
): string[] {
  const servers = new Set<string>();
  for (const row of rooms.currentState.roomsOfUser(userId, ['join'])) {
    for (const server of roomEduDestinations(rooms, serverName, row.roomId)) servers.add(server);
  }
  return [...servers].sort();
}
