/**
 * GET /_matrix/federation/v1/state/{roomId}?event_id= — the state before an event, as full
 * PDUs, with their auth chain: `{pdus, auth_chain}` (server-server API "Retrieving events").
 */
import type { FastifyInstance } from 'fastify';
import { requireOrigin } from './authenticate-origin';
import { requireEventId, requiredQuery, roomIdParam } from './federation-request-params';
import type { RoomDataRouteDeps } from './room-data-route-deps';

export function registerRoomState(app: FastifyInstance, deps: RoomDataRouteDeps): void {
  app.get(
    '/_matrix/federation/v1/state/:roomId',
    { preHandler: deps.authenticate },
    async (request) => {
      const origin = requireOrigin(request);
      const roomId = roomIdParam(request);
      const eventId = requireEventId(requiredQuery(request, 'event_id'));
      const { pdus, authChain } = deps.roomData.state(origin, roomId, eventId);
      return { pdus, auth_chain: authChain };
    },
  );
}
