/**
 * `m.receipt` from another server (spec: server-server "Receipts"): per room, only if the origin
 * is in it (partial rooms: in `servers_in_room`); per user, only the origin's own. When a
 * receipt names several events, the newest one we hold is kept (Synapse's linearised receipt).
 * Each malformed part is skipped on its own.
 */
import { isJsonObject } from '../rules/json';
import type { JsonObject } from '../rules/json';
import { isUserOfOrigin, originInRoom } from './edu-origin-checks';
import type { InboundEduDeps } from './inbound-edu-deps';

function newestEvent(deps: InboundEduDeps, eventIds: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestOrdering = -1;
  for (const eventId of eventIds) {
    const ordering = deps.sync.store.streamOrderingOf(eventId) ?? -1;
    if (best === undefined || ordering > bestOrdering) {
      best = eventId;
      bestOrdering = ordering;
    }
  }
  return best;
}

export function receiveReceiptEdu(
  deps: InboundEduDeps,
  origin: string,
  content: Record<string, unknown>,
): void {
  for (const [roomId, byType] of Object.entries(content)) {
    if (!isJsonObject(byType)) {
      deps.log.debug('ignoring malformed m.receipt room entry', { origin, room_id: roomId });
      continue;
    }
    if (!originInRoom(deps.rooms, deps.serverName, roomId, origin)) {
      deps.log.debug('ignoring m.receipt for a room the origin is not in', {
        origin,
        room_id: roomId,
      });
      continue;
    }
    for (const [receiptType, byUser] of Object.entries(byType)) {
      if (!isJsonObject(byUser)) continue;
      for (const [userId, value] of Object.entries(byUser)) {
        if (!isUserOfOrigin(userId, origin)) {
          deps.log.debug('ignoring m.receipt for a user of another server', {
            origin,
            user_id: userId,
          });
          continue;
        }
        const receipt = parseUserReceipt(value);
        if (!receipt) {
          deps.log.debug('ignoring malformed m.receipt entry', { origin, user_id: userId });
          continue;
        }
        const eventId = newestEvent(deps, receipt.eventIds);
        if (eventId === undefined) continue;
        deps.sync.receipts.addRemoteReceipt({
          roomId,
          userId,
          receiptType,
          eventId,
          threadId: receipt.threadId,
          data: receipt.data,
        });
      }
    }
  }
}

function parseUserReceipt(
  value: unknown,
): { eventIds: string[]; data: JsonObject; threadId: string | undefined } | undefined {
  if (!isJsonObject(value)) return undefined;
  const eventIds = value['event_ids'];
  const data = value['data'];
  if (!Array.isArray(eventIds) || eventIds.length === 0) return undefined;
  if (!eventIds.every((id): id is string => typeof id === 'string')) return undefined;
  if (!isJsonObject(data)) return undefined;
  const { thread_id: threadId, ...rest } = data;
  if (threadId !== undefined && (typeof threadId !== 'string' || threadId === '')) {
    return undefined;
  }
  return { eventIds, data: rest, threadId };
}
