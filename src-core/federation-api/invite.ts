/** PUT /_matrix/federation/v2/invite/{roomId}/{eventId} — a peer invites one of our users. */
import type { FastifyInstance } from 'fastify';
import type { InviteReceiver } from '../federation-membership/invite-receiver';
import type { OriginAuthenticationDeps } from './authenticate-origin';
import { authenticateOrigin, requireOrigin } from './authenticate-origin';
import type { RoomAclCheck } from './room-acl-check';

export function registerInvite(
  app: FastifyInstance,
  deps: OriginAuthenticationDeps & { receiver: () => InviteReceiver; acl: RoomAclCheck },
): void {
  app.put<{ Params: { roomId: string; eventId: string } }>(
    '/_matrix/federation/v2/invite/:roomId/:eventId',
    { preHandler: authenticateOrigin(deps) },
    async (request) => {
      // Only a room we know has an ACL to apply; an invite to a room new to us passes.
      deps.acl(request.params.roomId, requireOrigin(request));
      return deps
        .receiver()
        .receive(
          requireOrigin(request),
          request.params.roomId,
          request.params.eventId,
          request.body,
        );
    },
  );
}
