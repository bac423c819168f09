/** PUT /_matrix/federation/v2/invite/{roomId}/{eventId} — a peer invites one of our users. */
import type { FastifyInstance } from 'fastify';
import type { InviteReceiver } from '../federation-membership/invite-receiver';
import type { OriginAuthenticationDeps } from './authenticate-origin';
import { authenticateOrigin, requireOrigin } from './authenticate-origin';

export function registerInvite(
  app: FastifyInstance,
  deps: OriginAuthenticationDeps & { receiver: () => InviteReceiver },
): void {
  app.put<{ Params: { roomId: string; eventId: string } }>(
    '/_matrix/federation/v2/invite/:roomId/:eventId',
    { preHandler: authenticateOrigin(deps) },
    async (request) =>
      deps
        .receiver()
        .receive(
          requireOrigin(request),
          request.params.roomId,
          request.params.eventId,
          request.body,
        ),
  );
}
