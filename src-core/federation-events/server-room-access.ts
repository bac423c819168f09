/**
 * Who may read a room's data over federation (/event, /state, /state_ids, /event_auth,
 * /backfill, /get_missing_events): a server with a joined member in the room's current state
 * (Synapse `assert_host_in_room`), and not denied by the room's current `m.room.server_acl`
 * (server-server API "Server Access Control Lists"; Synapse `check_server_matches_acl`).
 *
 * While the room is partial-stated here (faster joins) our member list is incomplete: the
 * state endpoints refuse with MSC3895's errcode so the peer asks someone else, and the history
 * endpoints accept the servers the resident named at join time as well as those we see joined.
 */
import { MatrixError, forbidden, notFound } from '../http/matrix-error';
import type { RoomVersion } from '../rules/room-versions';
import { serverAclAllows } from '../rules/server-acl';
import type { RoomServices } from '../rooms/room-services';

/** MSC3895: "we cannot answer that while partial-stated; try another server". */
export const UNABLE_DUE_TO_PARTIAL_STATE = 'ORG.MATRIX.MSC3895_UNABLE_DUE_TO_PARTIAL_STATE';

export interface HostCheckOptions {
  /**
   * Accept a partial-stated room, judging membership by the approximate host list (Synapse does
   * this for /backfill and /get_missing_events, which then serve only our own events).
   */
  allowPartialState: boolean;
}

export class ServerRoomAccess {
  constructor(private readonly rooms: RoomServices) {}

  /** The room's version; 404 M_NOT_FOUND for a room we do not know. */
  roomVersion(roomId: string): RoomVersion {
    const version = this.rooms.roomStore.getRoomVersion(roomId);
    if (!version) throw notFound(`Unknown room ${roomId}`);
    return version;
  }

  isPartialStated(roomId: string): boolean {
    return this.rooms.partialState.isPartialRoom(roomId);
  }

  /** Servers with a joined member now; while partial-stated, also those named at join time. */
  hostsInRoom(roomId: string): Set<string> {
    const hosts = new Set(this.rooms.currentState.joinedServers(roomId));
    if (this.isPartialStated(roomId)) {
      for (const server of this.rooms.partialState.serversInRoom(roomId)) hosts.add(server);
    }
    return hosts;
  }

  assertHostInRoom(roomId: string, origin: string, options: HostCheckOptions): void {
    if (this.isPartialStated(roomId) && !options.allowPartialState) {
      throw new MatrixError(
        403,
        UNABLE_DUE_TO_PARTIAL_STATE,
        `Unable to authorise you right now; room ${roomId} is partial-stated here`,
      );
    }
    if (!this.hostsInRoom(roomId).has(origin)) {
      throw forbidden(`${origin} is not in room ${roomId}`);
    }
  }

  assertAclAllows(roomId: string, origin: string): void {
    const aclId = this.rooms.currentState.getCurrentStateEventId(roomId, 'm.room.server_acl', '');
    const acl = aclId === undefined ? undefined : this.rooms.eventStore.getEvent(aclId);
    if (!serverAclAllows(acl?.content, origin)) {
      throw forbidden(`${origin} is denied by the server ACL of room ${roomId}`);
    }
  }

  /**
   * Every check, membership before ACL (as Synapse orders them for the state endpoints) so a
   * server outside the room learns nothing about the ACL. Returns the room version.
   */
  authorize(roomId: string, origin: string, options: HostCheckOptions): RoomVersion {
    const version = this.roomVersion(roomId);
    this.assertHostInRoom(roomId, origin, options);
    this.assertAclAllows(roomId, origin);
    return version;
  }
}
