/**
 * createRoom as a client asks for it, around RoomCreator: reserve the alias first (so a taken
 * alias creates no room), build the room, publish it in the directory, then send the remote
 * invites through federation. The room creation itself is synchronous, so nothing can take the
 * alias between the check and the insert.
 */
import { MatrixError, invalidParam } from '../http/matrix-error';
import type { Logger } from '../logging/logger';
import type { JsonObject } from '../rules/json';
import { isJsonObject } from '../rules/json';
import type { RoomVersion } from '../rules/room-versions';
import { serverNameOf } from '../rules/identifiers/server-name-of';
import { checkIntegerPowerLevels } from '../rules/event-format/power-levels-format';
import { memberProfileContent } from './member-profile';
import type { RoomPreset } from './room-presets';
import type { RoomServices } from './room-services';

export interface ClientCreateRoom {
  creator: string;
  version: RoomVersion;
  /** Defaults from `visibility` when the client gives none (spec). */
  preset: RoomPreset | undefined;
  visibility: 'public' | 'private';
  /** The localpart of the alias to create (`room_alias_name`). */
  aliasName: string | undefined;
  name: string | undefined;
  topic: string | undefined;
  invite: readonly string[];
  initialState: readonly { type: string; stateKey: string; content: JsonObject }[];
  creationContent: JsonObject;
  powerLevelContentOverride: JsonObject | undefined;
  isDirect: boolean;
}

export async function createRoomForClient(
  rooms: RoomServices,
  serverName: string,
  request: ClientCreateRoom,
  logger: Logger,
): Promise<{ roomId: string; alias: string | undefined }> {
  const alias = request.aliasName === undefined ? undefined : `#${request.aliasName}:${serverName}`;
  if (alias !== undefined) {
    // Synapse refuses these characters in room_alias_name; the alias grammar checks the rest.
    if (/[:\s]/.test(request.aliasName ?? '') || request.aliasName === '') {
      throw invalidParam('"room_alias_name" must not be empty or contain ":" or whitespace');
    }
    rooms.aliases.parse(alias);
    if (rooms.aliases.isTaken(alias)) {
      throw new MatrixError(400, 'M_ROOM_IN_USE', `Room alias ${alias} already exists`);
    }
  }
  // v12 creators have infinite power and may not be listed in power levels (MSC4289).
  const overrideUsers = request.powerLevelContentOverride?.['users'];
  if (
    request.version.privilegedCreators &&
    isJsonObject(overrideUsers) &&
    Object.hasOwn(overrideUsers, request.creator)
  ) {
    throw invalidParam(
      `"power_level_content_override.users" may not list the creator in room version ${request.version.id}`,
    );
  }
  // Checked before anything is built: a refusal halfway would leave a half-made room.
  if (request.powerLevelContentOverride && request.version.integerOnlyPowerLevels) {
    const problem = checkIntegerPowerLevels(request.powerLevelContentOverride);
    if (problem) {
      throw new MatrixError(
        400,
        'M_BAD_JSON',
        `"power_level_content_override" is invalid: ${problem.message}`,
      );
    }
  }
  const preset =
    request.preset ?? (request.visibility === 'public' ? 'public_chat' : 'private_chat');
  const remoteInvitees: string[] = [];
  const profiles = rooms.profileSource;
  const roomId = rooms.creator.create({
    creator: request.creator,
    version: request.version,
    preset,
    name: request.name,
    topic: request.topic,
    canonicalAlias: alias,
    invite: request.invite,
    initialState: request.initialState,
    creationContent: request.creationContent,
    powerLevelContentOverride: request.powerLevelContentOverride,
    isDirect: request.isDirect,
    creatorMemberContent: memberProfileContent(profiles.profileOf(request.creator)),
    sendInvite: (id, invitee) => {
      if (serverNameOf(invitee) !== serverName) {
        remoteInvitees.push(invitee);
        return;
      }
      rooms.sender.send({
        roomId: id,
        type: 'm.room.member',
        stateKey: invitee,
        sender: request.creator,
        content: {
          membership: 'invite',
          ...(request.isDirect ? { is_direct: true } : {}),
          ...memberProfileContent(profiles.profileOf(invitee)),
        },
      });
    },
  });
  if (alias !== undefined) rooms.aliases.create(alias, roomId, request.creator, 'createRoom');
  if (request.visibility === 'public') rooms.roomStore.setPublic(roomId, true);
  for (const invitee of remoteInvitees) {
    try {
      await rooms.membership.invite(roomId, request.creator, invitee, {}, request.isDirect);
    } catch (error) {
      // The room exists now; failing the request would only make the client create another.
      logger.warn('createRoom: remote invite failed', {
        room_id: roomId,
        invitee,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { roomId, alias };
}
