/**
 * Membership changes a local user asks for (client-server API "Room membership"): join, leave,
 * invite, kick, ban, unban, forget.
 *
 * A change is made locally when one of our users is joined to the room: we can then build the
 * member event on our own copy of the room and the auth rules decide. Otherwise — a room we do
 * not know, or one where we only hold an invite from another server — the change needs a
 * resident server, and goes through the RemoteMembership hook.
 */
import { MatrixError, forbidden, notFound } from '../http/matrix-error';
import type { JsonObject } from '../rules/json';
import { isJsonObject } from '../rules/json';
import type { RoomEvent } from '../rules/events/room-event';
import { namedPowerLevel, userPowerLevel } from '../rules/auth/power-levels';
import { serverNameOf } from '../rules/identifiers/server-name-of';
import { parseUserId } from '../rules/identifiers/user-id';
import type { CurrentStateStore } from '../storage/current-state-store';
import type { EventStore } from '../storage/event-store';
import type { PartialStateStore } from '../storage/partial-state-store';
import type { ForgottenRoomStore } from '../storage/forgotten-room-store';
import type { RoomStore } from '../storage/room-store';
import type { LocalEventSender } from './local-event-sender';
import type { ProfileSource } from './member-profile';
import { memberProfileContent } from './member-profile';
import type { RemoteMembership } from './remote-membership';
import type { RoomAliasService } from './room-alias-service';

export interface MembershipDeps {
  serverName: string;
  rooms: RoomStore;
  events: EventStore;
  currentState: CurrentStateStore;
  partialState: PartialStateStore;
  sender: LocalEventSender;
  aliases: RoomAliasService;
  forgotten: ForgottenRoomStore;
  remote: () => RemoteMembership;
  profiles: () => ProfileSource;
}

/** Fields a client may add to a member event it causes (`reason`, and extensions we keep). */
export interface MembershipExtras {
  reason?: string | undefined;
}

export class RoomMembershipService {
  constructor(private readonly deps: MembershipDeps) {}

  private get serverName(): string {
    return this.deps.serverName;
  }

  isLocalUser(userId: string): boolean {
    return serverNameOf(userId) === this.serverName;
  }

  /** True when one of our users is joined: we hold the room's state and can build events. */
  isResident(roomId: string): boolean {
    return (
      this.deps.rooms.getRoom(roomId) !== undefined &&
      this.deps.currentState.joinedServers(roomId).includes(this.serverName)
    );
  }

  private currentEvent(roomId: string, type: string, key: string): RoomEvent | undefined {
    const id = this.deps.currentState.getCurrentStateEventId(roomId, type, key);
    return id === undefined ? undefined : this.deps.events.getEvent(id);
  }

  membershipOf(roomId: string, userId: string): string | undefined {
    return this.deps.currentState.membershipOf(roomId, userId)?.membership;
  }

  private sendMember(roomId: string, sender: string, target: string, content: JsonObject): string {
    return this.deps.sender.send({
      roomId,
      type: 'm.room.member',
      stateKey: target,
      sender,
      content,
    }).event.eventId;
  }

  private withReason(content: JsonObject, extras: MembershipExtras): JsonObject {
    return extras.reason === undefined ? content : { ...content, reason: extras.reason };
  }

  // ---- join ----

  /**
   * Joins `userId` to a room given by ID or alias. `via` are servers the client suggested
   * (`via` / `server_name` query parameters). Resolves with the room ID.
   */
  async join(
    userId: string,
    roomIdOrAlias: string,
    via: readonly string[],
    extras: MembershipExtras = {},
  ): Promise<string> {
    let roomId = roomIdOrAlias;
    const servers = [...via];
    if (roomIdOrAlias.startsWith('#')) {
      const resolved = await this.deps.aliases.resolve(roomIdOrAlias);
      roomId = resolved.roomId;
      servers.push(...resolved.servers);
    } else if (!roomIdOrAlias.startsWith('!')) {
      throw new MatrixError(
        400,
        'M_INVALID_PARAM',
        `${JSON.stringify(roomIdOrAlias)} is neither a room ID nor a room alias`,
      );
    }
    const content = this.withReason(
      { membership: 'join', ...memberProfileContent(this.deps.profiles().profileOf(userId)) },
      extras,
    );
    // While the room is partial-stated only a fully-stated resident can tell whether a new join
    // is allowed (a ban we cannot see, changed join rules): a user not already joined goes
    // through make_join/send_join again (faster-joins notes, "Joining after a partial join").
    const partial = this.deps.partialState.isPartialRoom(roomId);
    const alreadyJoined =
      this.deps.currentState.membershipOf(roomId, userId)?.membership === 'join';
    if (this.isResident(roomId) && (!partial || alreadyJoined)) {
      this.joinLocally(roomId, userId, content);
    } else {
      if (partial)
        servers.push(
          ...this.deps.partialState.serversInRoom(roomId),
          ...this.deps.currentState.joinedServers(roomId),
        );
      // An invite tells us who is in the room; a pre-v12 room ID names its creating server.
      const invite = this.deps.currentState.membershipOf(roomId, userId);
      if (invite?.membership === 'invite') {
        const inviter = this.deps.events.getEvent(invite.eventId)?.sender;
        const inviterServer = inviter === undefined ? undefined : serverNameOf(inviter);
        if (inviterServer) servers.push(inviterServer);
      }
      const roomServer = serverNameOf(roomId);
      if (roomServer) servers.push(roomServer);
      const candidates = [...new Set(servers)].filter((s) => s !== this.serverName);
      roomId = (await this.deps.remote().join(userId, roomIdOrAlias, candidates, content)).roomId;
    }
    this.deps.forgotten.unforget(userId, roomId);
    return roomId;
  }

  private joinLocally(roomId: string, userId: string, content: JsonObject): void {
    const current = this.currentEvent(roomId, 'm.room.member', userId);
    // Joining again with the same profile changes nothing: answer without a new event (as
    // Synapse does for a no-op membership change).
    if (
      current?.content['membership'] === 'join' &&
      current.content['displayname'] === content['displayname'] &&
      current.content['avatar_url'] === content['avatar_url'] &&
      content['reason'] === undefined
    ) {
      return;
    }
    const authoriser = this.restrictedJoinAuthoriser(roomId, userId, current);
    this.sendMember(
      roomId,
      userId,
      userId,
      authoriser ? { ...content, join_authorised_via_users_server: authoriser } : content,
    );
  }

  /**
   * For a `restricted` / `knock_restricted` room (v8+ / v10+) that the user is not invited to:
   * when they are joined to one of the rooms the join rules allow, a local member with the invite
   * level who vouches for the join (spec "Restricted rooms"). Undefined when not needed or not
   * possible (the auth rules then refuse the join with their reason).
   */
  private restrictedJoinAuthoriser(
    roomId: string,
    userId: string,
    current: RoomEvent | undefined,
  ): string | undefined {
    const membership = current?.content['membership'];
    if (membership === 'join' || membership === 'invite') return undefined;
    const version = this.deps.rooms.getRoomVersion(roomId);
    const joinRules = this.currentEvent(roomId, 'm.room.join_rules', '');
    const rule = joinRules?.content['join_rule'];
    if (!version || !joinRules) return undefined;
    const restricted =
      (version.restrictedJoins && rule === 'restricted') ||
      (version.knockRestrictedJoins && rule === 'knock_restricted');
    if (!restricted) return undefined;
    const allow = joinRules.content['allow'];
    const eligible =
      Array.isArray(allow) &&
      allow.some(
        (entry) =>
          isJsonObject(entry) &&
          entry['type'] === 'm.room_membership' &&
          typeof entry['room_id'] === 'string' &&
          this.membershipOf(entry['room_id'], userId) === 'join',
      );
    if (!eligible) return undefined;
    const powerLevels = this.currentEvent(roomId, 'm.room.power_levels', '');
    const create = this.currentEvent(roomId, 'm.room.create', '');
    const inviteLevel = namedPowerLevel('invite', powerLevels, version);
    const candidate = this.deps.currentState
      .members(roomId, 'join')
      .map((m) => m.userId)
      .filter((id) => this.isLocalUser(id))
      .sort()
      .find((id) => userPowerLevel(id, powerLevels, create, version) >= inviteLevel);
    if (!candidate) {
      throw new MatrixError(
        400,
        'M_UNABLE_TO_GRANT_JOIN',
        `No user on ${this.serverName} can authorise joins to ${roomId}`,
      );
    }
    return candidate;
  }

  // ---- leave ----

  async leave(userId: string, roomId: string, extras: MembershipExtras = {}): Promise<void> {
    const row = this.deps.currentState.membershipOf(roomId, userId);
    if (!row) throw notFound(`${userId} has no membership in room ${roomId}`);
    // Already gone: leaving again is a no-op, not an error (clients retry leaves).
    if (row.membership === 'leave' || row.membership === 'ban') return;
    const content = this.withReason({ membership: 'leave' }, extras);
    if (this.isResident(roomId)) {
      this.sendMember(roomId, userId, userId, content);
      return;
    }
    // Rejecting a remote invite (or retracting a knock): a resident server must build the leave.
    const event = this.deps.events.getEvent(row.eventId);
    const via = [event?.sender, roomId]
      .map((id) => (id === undefined ? undefined : serverNameOf(id)))
      .filter((s): s is string => s !== undefined && s !== this.serverName);
    await this.deps.remote().leave(userId, roomId, [...new Set(via)], content);
  }

  // ---- invite / kick / ban / unban ----

  private requireResidentSender(roomId: string, sender: string): void {
    if (!this.deps.rooms.getRoom(roomId) || this.membershipOf(roomId, sender) !== 'join') {
      throw forbidden(`${sender} is not joined to room ${roomId}`);
    }
  }

  private requireUserId(target: string): void {
    if (!parseUserId(target, 'historical').ok) {
      throw new MatrixError(400, 'M_INVALID_PARAM', `Invalid user ID ${JSON.stringify(target)}`);
    }
  }

  async invite(
    roomId: string,
    sender: string,
    target: string,
    extras: MembershipExtras = {},
    isDirect = false,
  ): Promise<string> {
    this.requireUserId(target);
    this.requireResidentSender(roomId, sender);
    const existing = this.membershipOf(roomId, target);
    if (existing === 'join') throw forbidden(`${target} is already in the room`);
    if (existing === 'ban') throw forbidden(`${target} is banned from the room`);
    const content = this.withReason(
      {
        membership: 'invite',
        ...(isDirect ? { is_direct: true } : {}),
        ...memberProfileContent(this.deps.profiles().profileOf(target)),
      },
      extras,
    );
    if (this.isLocalUser(target)) return this.sendMember(roomId, sender, target, content);
    return (await this.deps.remote().invite(roomId, sender, target, content)).eventId;
  }

  kick(roomId: string, sender: string, target: string, extras: MembershipExtras = {}): string {
    this.requireUserId(target);
    this.requireResidentSender(roomId, sender);
    const membership = this.membershipOf(roomId, target);
    if (membership !== 'join' && membership !== 'invite' && membership !== 'knock') {
      throw forbidden(`${target} is not in room ${roomId}`);
    }
    return this.sendMember(
      roomId,
      sender,
      target,
      this.withReason({ membership: 'leave' }, extras),
    );
  }

  ban(roomId: string, sender: string, target: string, extras: MembershipExtras = {}): string {
    this.requireUserId(target);
    this.requireResidentSender(roomId, sender);
    return this.sendMember(roomId, sender, target, this.withReason({ membership: 'ban' }, extras));
  }

  unban(roomId: string, sender: string, target: string, extras: MembershipExtras = {}): string {
    this.requireUserId(target);
    this.requireResidentSender(roomId, sender);
    if (this.membershipOf(roomId, target) !== 'ban') {
      throw forbidden(`${target} is not banned from room ${roomId}`);
    }
    return this.sendMember(
      roomId,
      sender,
      target,
      this.withReason({ membership: 'leave' }, extras),
    );
  }

  // ---- forget ----

  /** Spec: only rooms the user has left (or was banned from, or never joined) can be forgotten. */
  forget(userId: string, roomId: string): void {
    const membership = this.membershipOf(roomId, userId);
    if (membership === 'join' || membership === 'invite' || membership === 'knock') {
      throw new MatrixError(400, 'M_UNKNOWN', `${userId} has not left room ${roomId}`);
    }
    if (!this.deps.rooms.getRoom(roomId)) throw notFound(`Unknown room ${roomId}`);
    this.deps.forgotten.forget(userId, roomId);
  }

  /** Rooms the user is joined to now (GET /joined_rooms). */
  joinedRooms(userId: string): string[] {
    return this.deps.currentState
      .roomsOfUser(userId, ['join'])
      .map((r) => r.roomId)
      .sort();
  }
}
