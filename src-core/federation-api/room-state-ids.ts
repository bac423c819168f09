/**
 * GET /_matrix/federation/v1/state_ids/{roomId}?event_id= — the IDs of the state before an
 * event and of its auth chain: `{pdu_ids, auth_chain_ids}`.
 */
import type { FastifyInstance } from 'fastify';
import { requireOrigin } from './authenticate-origin';
import { requireEventId, requiredQuery, roomIdParam } from './federation-request-params';
import type { RoomDataRouteDeps } from './room-data-route-deps';

export function registerRoomStateIds(app: FastifyInstance, deps: RoomDataRouteDeps): void {
  app.get(
    '/_matrix/federation/v1/state_ids/:roomId',
    { preHandler: deps.authenticate },
    async (request) => {
      const origin = requireOrigin(request);
      const roomId = roomIdParam(request);
      const eventId = requireEventId(requiredQuery(request, 'event_id'));
      const { pduIds, authChainIds } = deps.roomData.stateIds(origin, roomId, eventId);
      return { pdu_ids: pduIds, auth_chain_ids: authChainIds };
    },
  );
}
