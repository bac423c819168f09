/**
 * GET/PUT /_matrix/client/v3/user/{userId}/account_data/{type} and the per-room variant
 * /user/{userId}/rooms/{roomId}/account_data/{type}. Contents are arbitrary JSON objects.
 * Types the server manages itself are refused with 405 M_BAD_JSON (spec: account data module):
 * `m.fully_read` per room (set via /read_markers) and `m.push_rules` globally (via /pushrules).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { MatrixError, invalidParam } from '../http/matrix-error';
import { isValidRoomId } from '../rules/identifiers/room-id';
import { KNOWN_ROOM_VERSIONS } from '../rules/room-versions';
import { authenticate, requireSelf } from './authenticate';
import type { Requester } from './authenticate';
import { jsonObjectBody, pathParam } from './request-body';

const SERVER_MANAGED_GLOBAL = new Set(['m.push_rules']);
const SERVER_MANAGED_ROOM = new Set(['m.fully_read']);

function target(
  request: FastifyRequest,
  requester: Requester,
  perRoom: boolean,
  action: string,
): { userId: string; roomId: string | undefined; type: string } {
  const userId = pathParam(request, 'userId');
  requireSelf(requester, userId, action);
  const type = pathParam(request, 'type');
  if (type === '') throw invalidParam('Account data type must not be empty');
  if (!perRoom) return { userId, roomId: undefined, type };
  const roomId = pathParam(request, 'roomId');
  // The room's version is unknown here: accept any room ID grammar some version allows.
  if (!KNOWN_ROOM_VERSIONS.some((version) => isValidRoomId(roomId, version))) {
    throw invalidParam(`"${roomId}" is not a valid room ID`);
  }
  return { userId, roomId, type };
}

export function registerAccountData(app: FastifyInstance, context: HomeserverContext): void {
  const { accounts } = context;
  const routes = [
    { path: '/_matrix/client/v3/user/:userId/account_data/:type', perRoom: false },
    {
      path: '/_matrix/client/v3/user/:userId/rooms/:roomId/account_data/:type',
      perRoom: true,
    },
  ];
  for (const { path, perRoom } of routes) {
    app.put(path, async (request) => {
      const requester = authenticate(request, context);
      const { userId, roomId, type } = target(request, requester, perRoom, 'add account data');
      if ((perRoom ? SERVER_MANAGED_ROOM : SERVER_MANAGED_GLOBAL).has(type)) {
        throw new MatrixError(405, 'M_BAD_JSON', `Cannot set ${type} through this API`);
      }
      accounts.setAccountData(userId, roomId, type, jsonObjectBody(request));
      return {};
    });

    app.get(path, async (request) => {
      const requester = authenticate(request, context);
      const { userId, roomId, type } = target(request, requester, perRoom, 'get account data');
      return accounts.getAccountData(userId, roomId, type);
    });
  }
}
