/**
 * Membership changes of local users that need another server (the joining side of
 * make_join/send_join, make_leave/send_leave, invite v2, directory queries). Joins ask for a
 * partial-state answer (MSC3706) unless `setPartialJoins(false)`, and accept either kind; the join, its state and, when partial,
 * the room's partial-state rows commit in one transaction before the client's /join returns.
 *
 * A second local user joining a room that is still partial-stated does the whole handshake
 * again rather than building a join locally: only a fully-stated server can tell whether the
 * join is allowed (faster-joins notes, "Joining after a partial join"). The returned state is
 * resolved with ours, so memberships we already know are not lost.
 */
import type { FederationServices } from '../federation-services';
import type { AuthCheckDeps } from '../federation-events/event-auth-checks';
import { checkAgainstAuthEvents, checkAgainstState } from '../federation-events/event-auth-checks';
import type { RemoteRoomApi } from '../federation-events/remote-room-api';
import { checkReceivedPdus } from '../federation-events/received-pdu';
import { MatrixError } from '../http/matrix-error';
import type { Logger } from '../logging/logger';
import type { JsonObject } from '../rules/json';
import { isJsonObject } from '../rules/json';
import type { RoomEvent } from '../rules/events/room-event';
import type { StateMap } from '../rules/events/state-map';
import { stateKey } from '../rules/events/state-map';
import { serverNameOf } from '../rules/identifiers/server-name-of';
import { KNOWN_ROOM_VERSIONS, getRoomVersion } from '../rules/room-versions';
import type { RoomVersion } from '../rules/room-versions';
import type { RemoteAliasResolution, RemoteMembership } from '../rooms/remote-membership';
import { recordOutOfRoomMembership } from '../rooms/out-of-room-membership';
import { parseRoomVersion } from '../rooms/room-creator';
import type { RoomServices } from '../rooms/room-services';
import type { StreamCounter } from '../storage/stream-counter';
import type { Clock } from '../util/clock';
import { checkJoinResponse, isWorthTryingAnotherServer } from './join-response';

/** Told when a local user's join made (or kept) a room partial-stated: the resync starts. */
export type PartialJoinListener = (roomId: string) => void;

/** State events an invitee's client sees before joining (spec "Stripped state"). */
const STRIPPED_STATE_TYPES = [
  'm.room.create',
  'm.room.join_rules',
  'm.room.name',
  'm.room.avatar',
  'm.room.canonical_alias',
  'm.room.encryption',
  'm.room.topic',
];

export class FederationRemoteMembership implements RemoteMembership {
  private readonly partialJoinListeners: PartialJoinListener[] = [];
  private partialJoins = true;
  private readonly log: Logger;

  constructor(
    private readonly serverName: string,
    private readonly rooms: RoomServices,
    private readonly federation: FederationServices,
    private readonly api: RemoteRoomApi,
    private readonly stream: StreamCounter,
    private readonly clock: Clock,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'remote-membership' });
  }

  /**
   * Whether joins ask for a partial answer (`omit_members=true`). On by default; turning it off
   * forces full joins, e.g. for the join benchmarks or to compare both kinds against one room.
   */
  setPartialJoins(enabled: boolean): void {
    this.partialJoins = enabled;
  }

  onPartialJoin(listener: PartialJoinListener): void {
    this.partialJoinListeners.push(listener);
  }

  private get authDeps(): AuthCheckDeps {
    return {
      getEvent: this.rooms.roomState.getEvent,
      isRejected: (id) => this.rooms.eventStore.isRejected(id),
    };
  }

  async resolveRemoteAlias(alias: string): Promise<RemoteAliasResolution | undefined> {
    const server = serverNameOf(alias);
    if (server === undefined) return undefined;
    try {
      return await this.api.queryDirectory(server, alias);
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw new MatrixError(
        502,
        'M_UNKNOWN',
        `Could not ask ${server} about ${alias}: ${(error as Error).message}`,
      );
    }
  }

  private async tryEach<T>(
    candidates: readonly string[],
    what: string,
    attempt: (server: string) => Promise<T>,
  ): Promise<T> {
    const servers = [...new Set(candidates)].filter((s) => s !== this.serverName);
    if (servers.length === 0)
      throw new MatrixError(404, 'M_NOT_FOUND', `No server to ${what} through`);
    const failures: string[] = [];
    for (const server of servers) {
      try {
        return await attempt(server);
      } catch (error) {
        if (error instanceof MatrixError && error.status === 403) throw error;
        failures.push(`${server}: ${(error as Error).message}`);
        this.log.info(`${what} via a server failed`, { server, error: (error as Error).message });
        if (!isWorthTryingAnotherServer(error)) break;
      }
    }
    throw new MatrixError(502, 'M_UNKNOWN', `Could not ${what}: ${failures.join('; ')}`);
  }

  async join(
    userId: string,
    roomIdOrAlias: string,
    via: readonly string[],
    content: JsonObject,
  ): Promise<{ roomId: string }> {
    let roomId = roomIdOrAlias;
    const candidates = [...via];
    if (roomIdOrAlias.startsWith('#')) {
      const resolved = await this.resolveRemoteAlias(roomIdOrAlias);
      if (!resolved)
        throw new MatrixError(404, 'M_NOT_FOUND', `Room alias ${roomIdOrAlias} not found`);
      roomId = resolved.roomId;
      candidates.push(...resolved.servers);
    }
    await this.tryEach(candidates, `join ${roomId}`, (server) =>
      this.joinVia(server, userId, roomId, content),
    );
    return { roomId };
  }

  /** Fills and signs a make_* template for our user; checks it is what we asked for. */
  private signTemplate(
    template: JsonObject,
    version: RoomVersion,
    userId: string,
    roomId: string,
    content: JsonObject,
  ): RoomEvent {
    if (
      template['type'] !== 'm.room.member' ||
      template['state_key'] !== userId ||
      template['sender'] !== userId
    ) {
      throw new MatrixError(
        502,
        'M_UNKNOWN',
        'the resident sent a template for a different membership',
      );
    }
    if (template['room_id'] !== roomId)
      throw new MatrixError(502, 'M_UNKNOWN', 'the template is for another room');
    const templateContent = isJsonObject(template['content']) ? template['content'] : {};
    const filled: JsonObject = {
      ...template,
      content: { ...content, membership: templateContent['membership'] ?? 'join' },
      origin_server_ts: this.clock.now(),
    };
    const authoriser = templateContent['join_authorised_via_users_server'];
    if (typeof authoriser === 'string')
      (filled['content'] as JsonObject)['join_authorised_via_users_server'] = authoriser;
    // What the resident signed or computed is not ours to send back (and v1 IDs must be ours).
    delete filled['event_id'];
    delete filled['hashes'];
    delete filled['signatures'];
    delete filled['unsigned'];
    return this.rooms.builder.sign(filled, version);
  }

  private async joinVia(
    server: string,
    userId: string,
    roomId: string,
    content: JsonObject,
  ): Promise<void> {
    const { event: template, roomVersion } = await this.api.makeMembership(
      server,
      'join',
      roomId,
      userId,
      KNOWN_ROOM_VERSIONS.map((v) => v.id),
    );
    // A make_join answer without room_version predates versions: v1 (spec).
    const version = parseRoomVersion(roomVersion, getRoomVersion('1'));
    const join = this.signTemplate(template, version, userId, roomId, content);
    const response = await this.api.sendJoin(server, roomId, join.eventId, join.pdu as JsonObject, {
      omitMembers: this.partialJoins,
    });
    const checked = await checkJoinResponse({
      destination: server,
      roomId,
      join,
      response,
      version,
      keys: this.federation.keyRing,
      store: this.authDeps,
    });
    const finalJoin = checked.resignedJoin ?? join;

    // Outliers first (harmless on their own); the join and the partial-state rows then commit
    // together, so a crash never leaves a join without its state or its partial marking.
    this.rooms.persister.persist(
      { outliers: checked.batch.outliers },
      {
        prepare: () =>
          this.rooms.roomStore.insertRoom({
            roomId,
            version,
            creator: null,
            createdTs: this.clock.now(),
          }),
      },
    );
    const alreadyPartial = this.rooms.partialState.isPartialRoom(roomId);
    const stateBefore = this.combineWithKnownState(finalJoin, version, checked.stateBefore);
    const authVerdict = checkAgainstAuthEvents(finalJoin, this.authDeps, version);
    const verdict = authVerdict.allowed
      ? checkAgainstState(finalJoin, stateBefore, this.rooms.roomState, version)
      : authVerdict;
    if (!verdict.allowed) {
      throw new MatrixError(
        403,
        'M_FORBIDDEN',
        `The room's state does not allow this join: ${verdict.reason}`,
        {
          'org.skein.auth_rule': verdict.rule,
        },
      );
    }
    const partial = checked.partial || alreadyPartial;
    this.rooms.persister.persist(
      {
        timeline: [
          {
            event: finalJoin,
            stateBefore: { kind: 'map', parent: null, state: stateBefore },
            partialState: partial,
          },
        ],
      },
      {
        prepare: () => {
          if (partial && !alreadyPartial) {
            this.rooms.partialState.markPartialRoom({
              roomId,
              joinEventId: finalJoin.eventId,
              joinedVia: server,
              servers: checked.serversInRoom,
              deviceListsStreamId: this.stream.position,
            });
          }
        },
      },
    );
    this.log.info('joined remote room', {
      room_id: roomId,
      via: server,
      partial,
      state_events: stateBefore.size,
    });
    if (partial) for (const listener of this.partialJoinListeners) listener(roomId);
  }

  /**
   * For a second join into a room we already hold (partially): resolve the state we know at
   * the join's prev events with the state the resident returned.
   */
  private combineWithKnownState(
    join: RoomEvent,
    version: RoomVersion,
    returned: StateMap,
  ): StateMap {
    const known: StateMap[] = [];
    for (const prev of join.prevEventIds) {
      const group = this.rooms.roomState.stateGroupAfter(prev);
      if (group !== undefined) known.push(this.rooms.stateStore.getState(group));
    }
    if (known.length === 0) {
      // We never saw the resident's tips: our current state is the best we know of the room.
      const current = this.rooms.roomStore.getRoom(join.roomId)?.currentStateGroup;
      if (current === null || current === undefined) return returned;
      known.push(this.rooms.stateStore.getState(current));
    }
    return this.rooms.roomState.resolve(version, [...known, returned]);
  }

  async leave(
    userId: string,
    roomId: string,
    via: readonly string[],
    content: JsonObject,
  ): Promise<void> {
    await this.tryEach(via, `leave ${roomId}`, async (server) => {
      const { event: template, roomVersion } = await this.api.makeMembership(
        server,
        'leave',
        roomId,
        userId,
        [],
      );
      const version = parseRoomVersion(
        roomVersion,
        this.rooms.roomStore.getRoomVersion(roomId) ?? getRoomVersion('1'),
      );
      const leave = this.signTemplate(template, version, userId, roomId, content);
      await this.api.sendLeave(server, roomId, leave.eventId, leave.pdu as JsonObject);
      // We hold no state for this room: keep the leave as an outlier and record the membership.
      recordOutOfRoomMembership(this.rooms, this.clock, leave, version, 'leave');
    });
  }

  async invite(
    roomId: string,
    sender: string,
    target: string,
    content: JsonObject,
  ): Promise<{ eventId: string }> {
    const version = this.rooms.roomStore.getRoomVersion(roomId);
    if (!version) throw new MatrixError(404, 'M_NOT_FOUND', `Unknown room ${roomId}`);
    const targetServer = serverNameOf(target);
    if (targetServer === undefined)
      throw new MatrixError(400, 'M_INVALID_PARAM', `${target} is not a user ID`);
    const { event, stateBefore } = this.rooms.builder.build(
      {
        roomId,
        type: 'm.room.member',
        stateKey: target,
        sender,
        content: { ...content, membership: 'invite' },
      },
      version,
    );
    // Authorise before asking anyone: an invite the rules refuse is never sent.
    const verdict = checkAgainstState(event, stateBefore.state, this.rooms.roomState, version);
    if (!verdict.allowed) {
      throw new MatrixError(403, 'M_FORBIDDEN', verdict.reason, {
        'org.skein.auth_rule': verdict.rule,
      });
    }
    const signedByInvitee = await this.api.invite(targetServer, roomId, event.eventId, {
      event: event.pdu as JsonObject,
      roomVersion: version.id,
      inviteRoomState: this.strippedState(stateBefore.state, sender),
    });
    const [checked] = await checkReceivedPdus([signedByInvitee], version, this.federation.keyRing);
    if (!checked?.ok || checked.event.eventId !== event.eventId || checked.redacted) {
      throw new MatrixError(502, 'M_UNKNOWN', `${targetServer} returned an invite we cannot use`);
    }
    const persisted = this.rooms.sender.commit(checked.event, stateBefore, version, {
      extraDestinations: [targetServer],
    });
    return { eventId: persisted.event.eventId };
  }

  /** The stripped state an invitee sees (type, state_key, content, sender only). */
  strippedState(state: StateMap, inviter: string): JsonObject[] {
    const stripped: JsonObject[] = [];
    const keys = [
      ...STRIPPED_STATE_TYPES.map((type) => stateKey(type, '')),
      stateKey('m.room.member', inviter),
    ];
    for (const key of keys) {
      const eventId = state.get(key);
      const event = eventId === undefined ? undefined : this.rooms.eventStore.getEvent(eventId);
      if (!event || event.stateKey === undefined) continue;
      stripped.push({
        type: event.type,
        state_key: event.stateKey,
        content: event.content,
        sender: event.sender,
      });
    }
    return stripped;
  }
}
