/**
 * Room directory endpoints (client-server API "Room aliases" and "Room discovery"):
 * PUT/GET/DELETE /directory/room/{roomAlias}, GET /rooms/{roomId}/aliases,
 * GET/PUT /directory/list/room/{roomId}, GET/POST /publicRooms (this server's rooms only).
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { MatrixError, forbidden, invalidParam } from '../http/matrix-error';
import { RoomDirectory } from '../rooms/room-directory';
import { authenticate } from './authenticate';
import { pathParam, queryParam, readBody } from './request-body';
import { queryInteger, roomIdParam } from './room-path-params';

const V3 = '/_matrix/client/v3';

export function registerRoomDirectory(app: FastifyInstance, context: HomeserverContext): void {
  const { rooms } = context;
  const directory = new RoomDirectory(rooms, context.logger);

  app.put(`${V3}/directory/room/:roomAlias`, async (request) => {
    const { userId } = authenticate(request, context);
    const alias = pathParam(request, 'roomAlias');
    const roomId = readBody(request).requiredString('room_id');
    if (!roomId.startsWith('!'))
      throw invalidParam(`"room_id" ${JSON.stringify(roomId)} is not a room ID`);
    rooms.aliases.create(alias, roomId, userId, 'directory');
    return {};
  });

  app.get(`${V3}/directory/room/:roomAlias`, async (request) => {
    const alias = pathParam(request, 'roomAlias');
    rooms.aliases.parse(alias);
    const resolved = await rooms.aliases.resolve(alias);
    return { room_id: resolved.roomId, servers: resolved.servers };
  });

  app.delete(`${V3}/directory/room/:roomAlias`, async (request) => {
    const { userId } = authenticate(request, context);
    directory.deleteAlias(pathParam(request, 'roomAlias'), userId);
    return {};
  });

  app.get(`${V3}/rooms/:roomId/aliases`, async (request) => {
    const { userId } = authenticate(request, context);
    const roomId = roomIdParam(request);
    // Spec: joined members, or anyone when the room is world-readable.
    const membership = rooms.access.membershipOf(roomId, userId);
    if (
      membership !== 'join' &&
      !(rooms.roomStore.getRoom(roomId) && rooms.access.isWorldReadable(roomId))
    ) {
      throw forbidden(`${userId} is not in room ${roomId}`);
    }
    return { aliases: rooms.aliases.aliasesOf(roomId) };
  });

  app.get(`${V3}/directory/list/room/:roomId`, async (request) => ({
    visibility: directory.visibility(roomIdParam(request)),
  }));

  app.put(`${V3}/directory/list/room/:roomId`, async (request) => {
    const { userId } = authenticate(request, context);
    const roomId = roomIdParam(request);
    const visibility = readBody(request).optionalString('visibility') ?? 'public';
    if (visibility !== 'public' && visibility !== 'private') {
      throw invalidParam('"visibility" must be "public" or "private"');
    }
    directory.setVisibility(roomId, userId, visibility);
    return {};
  });

  const remoteServer = (server: string | undefined): void => {
    if (server !== undefined && server !== context.serverName) {
      throw new MatrixError(
        404,
        'M_NOT_FOUND',
        `Listing the public rooms of ${server} needs federation, which is not available yet`,
      );
    }
  };

  app.get(`${V3}/publicRooms`, async (request) => {
    remoteServer(queryParam(request, 'server'));
    const limitRaw = queryParam(request, 'limit');
    return directory.publicRooms({
      limit: limitRaw === undefined ? undefined : queryInteger(limitRaw, 'limit', 0, 1000),
      since: queryParam(request, 'since'),
      searchTerm: undefined,
    });
  });

  app.post(`${V3}/publicRooms`, async (request) => {
    authenticate(request, context);
    remoteServer(queryParam(request, 'server'));
    const body = readBody(request);
    const limit = body.object['limit'];
    if (
      limit !== undefined &&
      limit !== null &&
      (!Number.isInteger(limit) || (limit as number) < 0)
    ) {
      throw new MatrixError(400, 'M_BAD_JSON', '"limit" must be a non-negative integer');
    }
    return directory.publicRooms({
      limit: typeof limit === 'number' ? Math.min(limit, 1000) : undefined,
      since: body.optionalString('since'),
      searchTerm: body.optionalObject('filter')?.optionalString('generic_search_term'),
    });
  });
}
