/**
 * GET /_matrix/federation/v1/event/{eventId} — one event, wrapped like a transaction:
 * `{origin, origin_server_ts, pdus: [pdu]}` (server-server API "Retrieving events").
 */
import type { FastifyInstance } from 'fastify';
import { requireOrigin } from './authenticate-origin';
import { eventIdParam } from './federation-request-params';
import type { RoomDataRouteDeps } from './room-data-route-deps';

export function registerGetEvent(app: FastifyInstance, deps: RoomDataRouteDeps): void {
  app.get(
    '/_matrix/federation/v1/event/:eventId',
    { preHandler: deps.authenticate },
    async (request) => {
      const origin = requireOrigin(request);
      const pdu = deps.roomData.event(origin, eventIdParam(request));
      return { origin: deps.serverName, origin_server_ts: deps.clock.now(), pdus: [pdu] };
    },
  );
}
