/**
 * GET /_matrix/federation/v1/event_auth/{roomId}/{eventId} — the event's full auth chain:
 * `{auth_chain}` (server-server API "Event Authorization").
 */
import type { FastifyInstance } from 'fastify';
import { requireOrigin } from './authenticate-origin';
import { eventIdParam, roomIdParam } from './federation-request-params';
import type { RoomDataRouteDeps } from './room-data-route-deps';

export function registerEventAuth(app: FastifyInstance, deps: RoomDataRouteDeps): void {
  app.get(
    '/_matrix/federation/v1/event_auth/:roomId/:eventId',
    { preHandler: deps.authenticate },
    async (request) => {
      const origin = requireOrigin(request);
      const authChain = deps.roomData.eventAuth(
        origin,
        roomIdParam(request),
        eventIdParam(request),
      );
      return { auth_chain: authChain };
    },
  );
}
