/**
 * `m.presence` from another server (spec: server-server "Presence"). Synapse drops presence
 * while the room that links us to the sender is partial-stated, because it cannot tell the user
 * shares a room with anyone (synapse#13008). We accept it from any origin sharing a room with
 * us, partial rooms' `servers_in_room` included, and let /sync decide who sees it
 * (room-sharing.ts). Each entry must be about the origin's own user.
 */
import { isJsonObject } from '../rules/json';
import type { RemotePresence } from '../sync/presence-service';
import { isPresenceState } from '../sync/presence-service';
import { isUserOfOrigin, originSharesAnyRoom } from './edu-origin-checks';
import type { InboundEduDeps } from './inbound-edu-deps';

function parseEntry(value: unknown): RemotePresence | undefined {
  if (!isJsonObject(value)) return undefined;
  const userId = value['user_id'];
  const presence = value['presence'];
  const lastActiveAgo = value['last_active_ago'] ?? 0;
  const statusMsg = value['status_msg'] ?? null;
  const currentlyActive = value['currently_active'] ?? false;
  if (typeof userId !== 'string' || !isPresenceState(presence)) return undefined;
  if (typeof lastActiveAgo !== 'number' || !Number.isFinite(lastActiveAgo)) return undefined;
  if (statusMsg !== null && typeof statusMsg !== 'string') return undefined;
  if (typeof currentlyActive !== 'boolean') return undefined;
  return { userId, presence, lastActiveAgo, statusMsg, currentlyActive };
}

export function receivePresenceEdu(
  deps: InboundEduDeps,
  origin: string,
  content: Record<string, unknown>,
): void {
  const push = content['push'];
  if (!Array.isArray(push)) {
    deps.log.debug('ignoring malformed m.presence', { origin });
    return;
  }
  if (!originSharesAnyRoom(deps.rooms, deps.sharing, deps.serverName, origin)) {
    deps.log.debug('ignoring m.presence from a server sharing no room with us', { origin });
    return;
  }
  for (const value of push) {
    const entry = parseEntry(value);
    if (!entry) {
      deps.log.debug('ignoring malformed m.presence entry', { origin });
      continue;
    }
    if (!isUserOfOrigin(entry.userId, origin)) {
      deps.log.debug('ignoring m.presence for a user of another server', {
        origin,
        user_id: entry.userId,
      });
      continue;
    }
    deps.sync.presence.setRemote(entry);
  }
}
