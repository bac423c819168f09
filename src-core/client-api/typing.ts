/**
 * PUT /_matrix/client/v3/rooms/{roomId}/typing/{userId}: only for yourself, only in a room you
 * are joined to; the timeout is capped (TypingService).
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { badJson, forbidden } from '../http/matrix-error';
import { DEFAULT_TYPING_TIMEOUT_MS } from '../sync/typing-service';
import { authenticate, requireSelf } from './authenticate';
import { pathParam, readBody } from './request-body';

export function registerTyping(app: FastifyInstance, context: HomeserverContext): void {
  app.put('/_matrix/client/v3/rooms/:roomId/typing/:userId', async (request) => {
    const requester = authenticate(request, context);
    const roomId = pathParam(request, 'roomId');
    const userId = pathParam(request, 'userId');
    requireSelf(requester, userId, 'set typing notifications');
    const body = readBody(request);
    const typing = body.object['typing'];
    if (typeof typing !== 'boolean') throw badJson('"typing" must be a boolean');
    const timeout = body.object['timeout'];
    if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout))) {
      throw badJson('"timeout" must be a number of milliseconds');
    }
    const membership = context.rooms.currentState.membershipOf(roomId, userId)?.membership;
    if (membership !== 'join') throw forbidden(`${userId} is not in room ${roomId}`);
    context.sync.typing.setLocalTyping(
      roomId,
      userId,
      typing,
      typeof timeout === 'number' ? timeout : DEFAULT_TYPING_TIMEOUT_MS,
    );
    return {};
  });
}
