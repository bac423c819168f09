/**
 * The server-ACL gate of the federation endpoints that name a room (spec: server-server "Server
 * Access Control Lists": make_join/leave/knock, send_join/leave/knock, invite, ...): a denied
 * origin gets 403 M_FORBIDDEN before any work is done for it.
 */
import { forbidden } from '../http/matrix-error';
import type { RoomServerAcl } from '../rooms/room-server-acl';

/** Throws 403 M_FORBIDDEN when `origin` is denied by the room's current ACL. */
export type RoomAclCheck = (roomId: string, origin: string) => void;

export function roomAclCheck(acl: RoomServerAcl): RoomAclCheck {
  return (roomId, origin) => {
    if (!acl.allows(roomId, origin)) {
      throw forbidden(`${origin} is denied by the server ACL of room ${roomId}`);
    }
  };
}
