/**
 * POST /_matrix/client/v3/createRoom (client-server API "Creation"). Checks every field's type
 * and value here (400 naming the field), then hands over to createRoomForClient.
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { badJson, invalidParam } from '../http/matrix-error';
import type { JsonObject } from '../rules/json';
import { isJsonObject } from '../rules/json';
import { DEFAULT_ROOM_VERSION, getRoomVersion } from '../rules/room-versions';
import { createRoomForClient } from '../rooms/client-room-creation';
import { parseRoomVersion } from '../rooms/room-creator';
import { isRoomPreset } from '../rooms/room-presets';
import type { RoomPreset } from '../rooms/room-presets';
import { authenticate } from './authenticate';
import { readBody } from './request-body';
import { requireUserIdValue } from './room-path-params';

function readInvites(body: JsonObject): string[] {
  const value = body['invite'];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badJson('"invite" must be an array of user IDs');
  return [
    ...new Set(
      value.map((entry, i) => {
        if (typeof entry !== 'string') throw badJson(`"invite[${i}]" must be a string`);
        return requireUserIdValue(entry, `invite[${i}]`);
      }),
    ),
  ];
}

function readInitialState(
  body: JsonObject,
): { type: string; stateKey: string; content: JsonObject }[] {
  const value = body['initial_state'];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badJson('"initial_state" must be an array of state events');
  return value.map((entry, i) => {
    const where = `initial_state[${i}]`;
    if (!isJsonObject(entry)) throw badJson(`"${where}" must be an object`);
    const { type, content } = entry;
    const stateKey = entry['state_key'] ?? '';
    if (typeof type !== 'string' || type === '') {
      throw badJson(`"${where}.type" must be a non-empty string`);
    }
    if (typeof stateKey !== 'string') throw badJson(`"${where}.state_key" must be a string`);
    if (!isJsonObject(content)) throw badJson(`"${where}.content" must be an object`);
    // These are set by createRoom itself; letting initial_state replace them breaks the room.
    if (type === 'm.room.create' || (type === 'm.room.member' && stateKey !== '')) {
      throw invalidParam(`"${where}" may not set ${type}`);
    }
    return { type, stateKey, content };
  });
}

export function registerCreateRoom(app: FastifyInstance, context: HomeserverContext): void {
  app.post('/_matrix/client/v3/createRoom', async (request) => {
    const { userId } = authenticate(request, context);
    const body = readBody(request);
    const visibility = body.optionalString('visibility') ?? 'private';
    if (visibility !== 'public' && visibility !== 'private') {
      throw invalidParam('"visibility" must be "public" or "private"');
    }
    const presetValue = body.optionalString('preset');
    let preset: RoomPreset | undefined;
    if (presetValue !== undefined) {
      if (!isRoomPreset(presetValue)) {
        throw invalidParam(`"preset" ${JSON.stringify(presetValue)} is not a known preset`);
      }
      preset = presetValue;
    }
    const roomVersion = body.object['room_version'];
    if (roomVersion !== undefined && roomVersion !== null && typeof roomVersion !== 'string') {
      throw badJson('"room_version" must be a string');
    }
    const version = parseRoomVersion(
      roomVersion ?? undefined,
      getRoomVersion(DEFAULT_ROOM_VERSION),
    );
    const powerLevelOverride = body.optionalObject('power_level_content_override');
    const result = await createRoomForClient(
      context.rooms,
      context.serverName,
      {
        creator: userId,
        version,
        preset,
        visibility,
        aliasName: body.optionalString('room_alias_name'),
        name: body.optionalString('name'),
        topic: body.optionalString('topic'),
        invite: readInvites(body.object),
        initialState: readInitialState(body.object),
        creationContent: body.optionalObject('creation_content')?.object ?? {},
        powerLevelContentOverride: powerLevelOverride?.object,
        isDirect: body.optionalBoolean('is_direct') ?? false,
      },
      context.logger,
    );
    return { room_id: result.roomId, ...(result.alias ? { room_alias: result.alias } : {}) };
  });
}
