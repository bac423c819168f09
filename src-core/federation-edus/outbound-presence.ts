/**
 * A local user's presence change → one `m.presence` EDU (spec: server-server "Presence") to
 * every server sharing one of their rooms, partial rooms' `servers_in_room` included. Only
 * explicit changes by a client get here (PresenceService has no idle timer).
 */
import type { OutboundQueue } from '../federation-client/outbound-queue';
import type { JsonObject } from '../rules/json';
import type { RoomServices } from '../rooms/room-services';
import type { StoredPresence } from '../storage/presence-store';
import { userEduDestinations } from './edu-destinations';

export function presenceEdu(presence: StoredPresence, now: number): JsonObject {
  const entry: JsonObject = {
    user_id: presence.userId,
    presence: presence.presence,
    last_active_ago: Math.max(0, now - presence.lastActiveTs),
    currently_active: presence.currentlyActive,
  };
  if (presence.statusMsg !== null) entry['status_msg'] = presence.statusMsg;
  return { edu_type: 'm.presence', content: { push: [entry] } };
}

export function sendPresenceEdu(
  deps: {
    serverName: string;
    rooms: RoomServices;
    queue: Pick<OutboundQueue, 'enqueueEdu'>;
    now: () => number;
  },
  presence: StoredPresence,
): void {
  const destinations = userEduDestinations(deps.rooms, deps.serverName, presence.userId);
  if (destinations.length === 0) return;
  deps.queue.enqueueEdu(destinations, presenceEdu(presence, deps.now()));
}
