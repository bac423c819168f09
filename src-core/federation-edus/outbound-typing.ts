/**
 * Local typing → `m.typing` EDUs (spec: server-server "Typing Notifications") to the servers in
 * the room. Only a client's PUT /typing reaches here: local timeouts send nothing, since every
 * receiver expires typing on its own timer.
 */
import type { OutboundQueue } from '../federation-client/outbound-queue';
import type { JsonObject } from '../rules/json';
import type { RoomServices } from '../rooms/room-services';
import type { TypingChange } from '../sync/typing-service';
import { roomEduDestinations } from './edu-destinations';

export function typingEdu(change: TypingChange): JsonObject {
  return {
    edu_type: 'm.typing',
    content: { room_id: change.roomId, user_id: change.userId, typing: change.typing },
  };
}

export function sendTypingEdu(
  deps: { serverName: string; rooms: RoomServices; queue: Pick<OutboundQueue, 'enqueueEdu'> },
  change: TypingChange,
): void {
  const destinations = roomEduDestinations(deps.rooms, deps.serverName, change.roomId);
  if (destinations.length === 0) return;
  deps.queue.enqueueEdu(destinations, typingEdu(change));
}
