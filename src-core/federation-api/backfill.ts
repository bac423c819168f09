/**
 * GET /_matrix/federation/v1/backfill/{roomId}?v=&limit= — history before (and including) the
 * `v` events, newest first: `{origin, origin_server_ts, pdus}` (server-server API
 * "Backfilling and retrieving missing events"). `limit` is capped at 100, as Synapse does.
 */
import type { FastifyInstance } from 'fastify';
import { missingParam } from '../http/matrix-error';
import { requireOrigin } from './authenticate-origin';
import {
  parseNonNegativeInteger,
  queryValues,
  requireEventId,
  requiredQuery,
  roomIdParam,
} from './federation-request-params';
import type { RoomDataRouteDeps } from './room-data-route-deps';

export function registerBackfill(app: FastifyInstance, deps: RoomDataRouteDeps): void {
  app.get(
    '/_matrix/federation/v1/backfill/:roomId',
    { preHandler: deps.authenticate },
    async (request) => {
      const origin = requireOrigin(request);
      const roomId = roomIdParam(request);
      const from = queryValues(request, 'v').map(requireEventId);
      if (from.length === 0) throw missingParam('query parameter "v" is required');
      const limit = parseNonNegativeInteger(requiredQuery(request, 'limit'), 'limit');
      const pdus = deps.roomData.backfill(origin, roomId, from, limit);
      return { origin: deps.serverName, origin_server_ts: deps.clock.now(), pdus };
    },
  );
}
