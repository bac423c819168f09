/**
 * Receiving an invite for one of our users (server-server API v2 invite): check it, countersign
 * it, and — when we are not in the room, so it will not also arrive over /send — keep it as an
 * outlier with the stripped state the inviter sent, so the invitee's /sync can show it.
 */
import type { FederationServices } from '../federation-services';
import { checkReceivedPdus } from '../federation-events/received-pdu';
import { MatrixError, forbidden } from '../http/matrix-error';
import type { JsonObject } from '../rules/json';
import { isJsonObject } from '../rules/json';
import type { Pdu } from '../rules/events/pdu';
import { toRoomEvent } from '../rules/events/room-event';
import { serverNameOf } from '../rules/identifiers/server-name-of';
import { findRoomVersion } from '../rules/room-versions';
import { signEvent } from '../rules/signing/sign-event';
import type { SigningKey } from '../rules/signing/signing-key';
import { recordOutOfRoomMembership } from '../rooms/out-of-room-membership';
import type { RoomServices } from '../rooms/room-services';
import type { Clock } from '../util/clock';

export class InviteReceiver {
  constructor(
    private readonly serverName: string,
    private readonly signingKey: SigningKey,
    private readonly rooms: RoomServices,
    private readonly federation: FederationServices,
    private readonly clock: Clock,
    private readonly userExists: (userId: string) => boolean,
  ) {}

  async receive(
    origin: string,
    roomId: string,
    eventId: string,
    body: unknown,
  ): Promise<JsonObject> {
    if (!isJsonObject(body) || !isJsonObject(body['event'])) {
      throw new MatrixError(400, 'M_BAD_JSON', 'invite body needs an event object');
    }
    const versionId = body['room_version'];
    const version = typeof versionId === 'string' ? findRoomVersion(versionId) : undefined;
    if (!version) {
      throw new MatrixError(
        400,
        'M_INCOMPATIBLE_ROOM_VERSION',
        `Room version ${String(versionId)} is not supported`,
        {
          room_version: typeof versionId === 'string' ? versionId : null,
        },
      );
    }
    const [checked] = await checkReceivedPdus([body['event']], version, this.federation.keyRing);
    if (!checked?.ok)
      throw new MatrixError(400, 'M_BAD_JSON', checked ? checked.reason : 'no event');
    if (checked.redacted)
      throw new MatrixError(400, 'M_BAD_JSON', 'invite content hash does not match');
    const invite = checked.event;
    if (invite.eventId !== eventId || invite.roomId !== roomId) {
      throw new MatrixError(400, 'M_INVALID_PARAM', 'event ID or room ID does not match the path');
    }
    if (
      invite.type !== 'm.room.member' ||
      invite.content['membership'] !== 'invite' ||
      invite.stateKey === undefined
    ) {
      throw new MatrixError(400, 'M_INVALID_PARAM', 'not an invite membership event');
    }
    if (serverNameOf(invite.sender) !== origin)
      throw forbidden(`${origin} cannot invite on behalf of ${invite.sender}`);
    if (serverNameOf(invite.stateKey) !== this.serverName || !this.userExists(invite.stateKey)) {
      throw new MatrixError(404, 'M_NOT_FOUND', `No user ${invite.stateKey} here`);
    }
    const strippedState = Array.isArray(body['invite_room_state'])
      ? body['invite_room_state'].filter(isJsonObject)
      : [];
    const countersigned = signEvent(invite.pdu, this.serverName, this.signingKey, version) as Pdu;

    const inRoom = this.rooms.currentState.joinedServers(roomId).includes(this.serverName);
    if (!inRoom) {
      // Stripped state rides in the stored event's `unsigned`, where /sync's invite section reads it.
      const stored = toRoomEvent(
        { ...countersigned, unsigned: { invite_room_state: strippedState } } as Pdu,
        invite.eventId,
        version,
      );
      recordOutOfRoomMembership(this.rooms, this.clock, stored, version, 'invite');
    }
    return { event: countersigned };
  }
}
