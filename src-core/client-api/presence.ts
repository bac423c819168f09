/**
 * GET and PUT /_matrix/client/v3/presence/{userId}/status (spec: client-server "Presence").
 * Only your own presence can be set; anyone's can be read by users who may share a room with
 * them (room-sharing.ts), as Synapse refuses strangers with 403.
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { badJson, forbidden } from '../http/matrix-error';
import { isPresenceState, presenceEvent } from '../sync/presence-service';
import { mayShareRoomWith } from '../sync/room-sharing';
import { authenticate, requireSelf } from './authenticate';
import { pathParam, readBody } from './request-body';

const PATH = '/_matrix/client/v3/presence/:userId/status';

export function registerPresence(app: FastifyInstance, context: HomeserverContext): void {
  const { sync, rooms, clock } = context;

  app.put(PATH, async (request) => {
    const requester = authenticate(request, context);
    const userId = pathParam(request, 'userId');
    requireSelf(requester, userId, 'set presence');
    const body = readBody(request);
    const presence = body.requiredString('presence');
    if (!isPresenceState(presence)) {
      throw badJson('"presence" must be one of online, unavailable, offline');
    }
    // An explicit null clears the message; leaving it out keeps the current one.
    const statusMsg =
      Object.hasOwn(body.object, 'status_msg') && body.object['status_msg'] === null
        ? null
        : body.optionalString('status_msg');
    sync.presence.setLocal(userId, presence, statusMsg);
    return {};
  });

  app.get(PATH, async (request) => {
    const requester = authenticate(request, context);
    const userId = pathParam(request, 'userId');
    if (!mayShareRoomWith(rooms, sync.store, requester.userId)(userId)) {
      throw forbidden(`You may not see the presence of ${userId}`);
    }
    const stored = sync.presence.get(userId);
    if (!stored) return { presence: 'offline' };
    return presenceEvent(stored, clock.now())['content'];
  });
}
