/**
 * `m.typing` from another server (spec: server-server "Typing Notifications"): taken only for
 * the origin's own users, in rooms we take part in where the origin is (or, partial-stated,
 * may be) present — as Synapse's TypingHandler checks the hosts in the room.
 */
import { DEFAULT_TYPING_TIMEOUT_MS } from '../sync/typing-service';
import { isUserOfOrigin, originInRoom } from './edu-origin-checks';
import type { InboundEduDeps } from './inbound-edu-deps';

export function receiveTypingEdu(
  deps: InboundEduDeps,
  origin: string,
  content: Record<string, unknown>,
): void {
  const roomId = content['room_id'];
  const userId = content['user_id'];
  const typing = content['typing'];
  if (typeof roomId !== 'string' || typeof userId !== 'string' || typeof typing !== 'boolean') {
    deps.log.debug('ignoring malformed m.typing', { origin });
    return;
  }
  if (!isUserOfOrigin(userId, origin)) {
    deps.log.debug('ignoring m.typing for a user of another server', { origin, user_id: userId });
    return;
  }
  if (!originInRoom(deps.rooms, deps.serverName, roomId, origin)) {
    deps.log.debug('ignoring m.typing for a room the origin is not in', {
      origin,
      room_id: roomId,
    });
    return;
  }
  // The EDU carries no timeout; Synapse likewise expires remote typing on its own timer.
  deps.sync.typing.setRemoteTyping(roomId, userId, typing, DEFAULT_TYPING_TIMEOUT_MS);
}
