/**
 * Our side of a remote server's membership handshake (server-server API "Joining rooms",
 * "Leaving rooms", "Knocking"): make_* hands out an unsigned template built on our view of the
 * room; send_* receives the signed event, runs it through the usual checks, fans it out to the
 * other servers in the room, and (for joins) answers with the room state, partial if asked.
 */
import type { FederationServices } from '../federation-services';
import type { IncomingEventHandler } from '../federation-events/incoming-event-handler';
import { checkReceivedPdus } from '../federation-events/received-pdu';
import { ServerEventVisibility } from '../federation-events/server-event-visibility';
import { MatrixError, forbidden, notFound } from '../http/matrix-error';
import type { Logger } from '../logging/logger';
import { authorizeEvent } from '../rules/auth/authorize-event';
import type { JsonObject } from '../rules/json';
import type { Pdu } from '../rules/events/pdu';
import type { RoomEvent } from '../rules/events/room-event';
import { serverNameOf } from '../rules/identifiers/server-name-of';
import type { RoomVersion } from '../rules/room-versions';
import { signEvent } from '../rules/signing/sign-event';
import type { SigningKey } from '../rules/signing/signing-key';
import type { RoomServices } from '../rooms/room-services';
import { toRoomEvent } from '../rules/events/room-event';
import { buildSendJoinResponse } from './send-join-response';

export type MembershipKind = 'join' | 'leave' | 'knock';

export class ResidentMembership {
  private readonly log: Logger;
  /** Serves events as other servers may see them (redacted where redacted here). */
  private readonly visibility: ServerEventVisibility;

  constructor(
    private readonly serverName: string,
    private readonly signingKey: SigningKey,
    private readonly rooms: RoomServices,
    private readonly federation: FederationServices,
    private readonly incoming: IncomingEventHandler,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'resident-membership' });
    this.visibility = new ServerEventVisibility(serverName, rooms);
  }

  /** A room we can speak for: known, with a joined local member, and fully stated. */
  private residentRoom(roomId: string): RoomVersion {
    const version = this.rooms.roomStore.getRoomVersion(roomId);
    if (!version || !this.rooms.currentState.joinedServers(roomId).includes(this.serverName)) {
      throw notFound(`This server is not in room ${roomId}`);
    }
    // A partial-stated server cannot vouch for the room's state (faster-joins notes: 404).
    if (this.rooms.partialState.isPartialRoom(roomId)) {
      throw notFound(`Room ${roomId} is not fully joined on this server yet`);
    }
    return version;
  }

  private checkSenderOrigin(origin: string, userId: string): void {
    if (serverNameOf(userId) !== origin) {
      throw forbidden(`${origin} cannot act for ${userId}`);
    }
  }

  makeMembership(
    kind: MembershipKind,
    origin: string,
    roomId: string,
    userId: string,
    supportedVersions: readonly string[],
  ): JsonObject {
    this.checkSenderOrigin(origin, userId);
    const version = this.residentRoom(roomId);
    if (kind !== 'leave' && !supportedVersions.includes(version.id)) {
      throw new MatrixError(
        400,
        'M_INCOMPATIBLE_ROOM_VERSION',
        `Room ${roomId} is version ${version.id}`,
        {
          room_version: version.id,
        },
      );
    }
    if (kind === 'knock' && !version.knock) {
      throw new MatrixError(
        400,
        'M_INCOMPATIBLE_ROOM_VERSION',
        `Room version ${version.id} has no knocking`,
        {
          room_version: version.id,
        },
      );
    }
    const { template, stateBefore } = this.rooms.builder.prepare(
      {
        roomId,
        type: 'm.room.member',
        stateKey: userId,
        sender: userId,
        content: { membership: kind },
      },
      version,
    );
    // Refuse early what the rules would refuse anyway (a banned user, an invite-only room).
    const probe = toRoomEvent(
      { ...template, hashes: { sha256: '' }, signatures: {} } as unknown as Pdu,
      '$template',
      version,
    );
    const verdict = authorizeEvent(probe, this.rooms.roomState.lookup(stateBefore.state), version);
    if (!verdict.allowed) {
      throw new MatrixError(403, 'M_FORBIDDEN', verdict.reason, {
        'org.skein.auth_rule': verdict.rule,
      });
    }
    return { event: template, room_version: version.id };
  }

  async sendMembership(
    kind: MembershipKind,
    origin: string,
    roomId: string,
    eventId: string,
    body: unknown,
    options: { omitMembers: boolean; unstableNames: boolean },
  ): Promise<JsonObject> {
    const version = this.residentRoom(roomId);
    const [checked] = await checkReceivedPdus([body], version, this.federation.keyRing);
    if (!checked || !checked.ok) {
      throw new MatrixError(
        400,
        'M_BAD_JSON',
        checked && !checked.ok ? checked.reason : 'no event',
      );
    }
    let event = checked.event;
    if (checked.redacted)
      throw new MatrixError(400, 'M_BAD_JSON', 'event content hash does not match');
    if (event.eventId !== eventId) {
      throw new MatrixError(400, 'M_INVALID_PARAM', `event ID is ${event.eventId}, not ${eventId}`);
    }
    if (event.roomId !== roomId)
      throw new MatrixError(400, 'M_INVALID_PARAM', 'event is for another room');
    if (event.type !== 'm.room.member' || event.content['membership'] !== kind) {
      throw new MatrixError(400, 'M_INVALID_PARAM', `not a ${kind} membership event`);
    }
    if (event.stateKey !== event.sender) {
      throw new MatrixError(400, 'M_INVALID_PARAM', 'state_key must be the sender');
    }
    this.checkSenderOrigin(origin, event.sender);
    event = this.coSignRestrictedJoin(event, version);

    const persisted = await this.incoming.inRoom(roomId, () =>
      this.incoming.receiveEvent(origin, event, version, { fetchMissing: false }),
    );
    const stored = this.rooms.eventStore.getEventState(event.eventId);
    if (!stored) throw new Error(`send_${kind} event ${event.eventId} was not stored`);
    const rejection = this.rooms.eventStore.getRejection(event.eventId);
    if (rejection) {
      throw new MatrixError(403, 'M_FORBIDDEN', rejection.reason, {
        'org.skein.auth_rule': rejection.rule,
      });
    }
    if (persisted) {
      // We are the resident: the joiner's event reaches the rest of the room through us.
      const destinations = this.rooms.sender
        .destinationsFor(roomId, [])
        .filter((server) => server !== origin);
      this.federation.outboundQueue.enqueuePdu(destinations, event.pdu);
    }
    this.log.info(`served send_${kind}`, {
      origin,
      room_id: roomId,
      event_id: event.eventId,
      partial: options.omitMembers,
    });
    if (kind !== 'join') return {};
    return buildSendJoinResponse({
      join: event,
      stateBefore: this.rooms.stateStore.getState(stored.before),
      omitMembers: options.omitMembers,
      unstableNames: options.unstableNames,
      heroCandidates: () => this.rooms.currentState.heroCandidates(roomId),
      serversInRoom: () => this.serversBefore(roomId, event),
      getEvent: this.rooms.roomState.getEvent,
      toFederationPdu: (pdu) => this.visibility.toFederationPdu(pdu),
      origin: this.serverName,
    });
  }

  /** Servers with joined members before the join: now, minus the joiner's if it brought the only one. */
  private serversBefore(roomId: string, join: RoomEvent): string[] {
    const servers = new Set(this.rooms.currentState.joinedServers(roomId));
    const joinerServer = serverNameOf(join.sender);
    if (
      joinerServer !== undefined &&
      !this.rooms.currentState.hasOtherJoinedMemberOn(roomId, joinerServer, join.sender)
    )
      servers.delete(joinerServer);
    return [...servers].sort((a, b) =>
      a === this.serverName ? -1 : b === this.serverName ? 1 : a < b ? -1 : 1,
    );
  }

  /**
   * A restricted join names one of our users as the authoriser (v8+): we must add our
   * signature before anyone will accept it (spec "Restricted rooms").
   */
  private coSignRestrictedJoin(event: RoomEvent, version: RoomVersion): RoomEvent {
    const via = event.content['join_authorised_via_users_server'];
    if (
      !version.restrictedJoins ||
      typeof via !== 'string' ||
      serverNameOf(via) !== this.serverName
    )
      return event;
    const pdu = signEvent(event.pdu, this.serverName, this.signingKey, version) as Pdu;
    return toRoomEvent(pdu, event.eventId, version);
  }
}
