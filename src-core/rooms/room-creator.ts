/**
 * Creates a room for a local user, event by event in the order the spec gives for createRoom:
 * create, the creator's join, power levels, canonical alias, preset state (join rules, history
 * visibility, guest access), initial_state, name, topic, then invites.
 */
import { randomBytes } from 'node:crypto';
import { MatrixError } from '../http/matrix-error';
import type { JsonObject } from '../rules/json';
import { findRoomVersion } from '../rules/room-versions';
import type { RoomVersion } from '../rules/room-versions';
import { roomIdFromCreateEventId } from '../rules/hashes/room-id';
import type { RoomStore } from '../storage/room-store';
import type { Clock } from '../util/clock';
import type { EventBuilder, NewEvent } from './event-builder';
import type { LocalEventSender } from './local-event-sender';
import { ROOM_PRESETS } from './room-presets';
import type { RoomPreset } from './room-presets';

export interface CreateRoomRequest {
  creator: string;
  version: RoomVersion;
  preset: RoomPreset;
  name?: string | undefined;
  topic?: string | undefined;
  /** Full alias (`#local:server`) to publish as m.room.canonical_alias. */
  canonicalAlias?: string | undefined;
  invite: readonly string[];
  initialState: readonly { type: string; stateKey: string; content: JsonObject }[];
  creationContent: JsonObject;
  powerLevelContentOverride: JsonObject | undefined;
  isDirect: boolean;
  /** Extra content of the creator's join (their displayname and avatar_url). */
  creatorMemberContent?: JsonObject | undefined;
  /** Invitees' join events go over federation; local ones are handled by the caller. */
  sendInvite?: (roomId: string, userId: string) => void;
}

function defaultPowerLevels(request: CreateRoomRequest): JsonObject {
  const users: JsonObject = {};
  // v12 creators have infinite power and must not appear in `users` (MSC4289).
  if (!request.version.privilegedCreators) users[request.creator] = 100;
  if (ROOM_PRESETS[request.preset].inviteesArePrivileged) {
    for (const invitee of request.invite) users[invitee] = 100;
  }
  return {
    users,
    users_default: 0,
    events: {
      'm.room.name': 50,
      'm.room.power_levels': 100,
      'm.room.history_visibility': 100,
      'm.room.canonical_alias': 50,
      'm.room.avatar': 50,
      'm.room.tombstone': 100,
      'm.room.server_acl': 100,
      'm.room.encryption': 100,
    },
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    invite: 0,
    historical: 100,
  };
}

export class RoomCreator {
  constructor(
    private readonly serverName: string,
    private readonly rooms: RoomStore,
    private readonly builder: EventBuilder,
    private readonly sender: LocalEventSender,
    private readonly clock: Clock,
  ) {}

  create(request: CreateRoomRequest): string {
    const { version } = request;
    const createContent: JsonObject = { ...request.creationContent, room_version: version.id };
    if (!version.creatorIsSender) createContent['creator'] = request.creator;
    else delete createContent['creator'];

    // The room ID is chosen by us before v12, derived from the create event from v12 on.
    let roomId = version.roomIdFromCreateEvent
      ? ''
      : `!${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}:${this.serverName}`;
    const createSpec: NewEvent = {
      roomId,
      type: 'm.room.create',
      stateKey: '',
      sender: request.creator,
      content: createContent,
    };
    const { event: create, stateBefore } = this.builder.build(createSpec, version, []);
    if (version.roomIdFromCreateEvent) roomId = roomIdFromCreateEventId(create.eventId);
    if (this.rooms.getRoom(roomId))
      throw new MatrixError(400, 'M_ROOM_IN_USE', `Room ${roomId} exists`);

    // The create event is persisted through the same path as every other event.
    this.sender.commit(create, stateBefore, version, {
      prepare: () =>
        this.rooms.insertRoom({
          roomId,
          version,
          creator: request.creator,
          createdTs: this.clock.now(),
        }),
    });

    const send = (type: string, stateKey: string, content: JsonObject): void => {
      this.sender.send({ roomId, type, stateKey, sender: request.creator, content }, { version });
    };
    send('m.room.member', request.creator, {
      ...request.creatorMemberContent,
      membership: 'join',
      ...(request.isDirect ? { is_direct: true } : {}),
    });
    send('m.room.power_levels', '', {
      ...defaultPowerLevels(request),
      ...(request.powerLevelContentOverride ?? {}),
    });
    if (request.canonicalAlias)
      send('m.room.canonical_alias', '', { alias: request.canonicalAlias });
    const preset = ROOM_PRESETS[request.preset];
    const initialKeys = new Set(request.initialState.map((s) => `${s.type}\u0000${s.stateKey}`));
    const presetState: [string, JsonObject][] = [
      ['m.room.join_rules', { join_rule: preset.joinRule }],
      ['m.room.history_visibility', { history_visibility: preset.historyVisibility }],
    ];
    if (preset.guestAccess)
      presetState.push(['m.room.guest_access', { guest_access: preset.guestAccess }]);
    for (const [type, content] of presetState) {
      // initial_state overrides what the preset would set.
      if (!initialKeys.has(`${type}\u0000`)) send(type, '', content);
    }
    for (const state of request.initialState) send(state.type, state.stateKey, state.content);
    if (request.name !== undefined) send('m.room.name', '', { name: request.name });
    if (request.topic !== undefined) send('m.room.topic', '', { topic: request.topic });
    for (const invitee of request.invite) {
      if (request.sendInvite) request.sendInvite(roomId, invitee);
      else
        send('m.room.member', invitee, {
          membership: 'invite',
          ...(request.isDirect ? { is_direct: true } : {}),
        });
    }
    return roomId;
  }
}

export function parseRoomVersion(requested: unknown, fallback: RoomVersion): RoomVersion {
  if (requested === undefined) return fallback;
  const version = typeof requested === 'string' ? findRoomVersion(requested) : undefined;
  if (!version) {
    throw new MatrixError(
      400,
      'M_UNSUPPORTED_ROOM_VERSION',
      `Room version ${JSON.stringify(requested)} is not supported`,
    );
  }
  return version;
}
