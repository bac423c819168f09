/**
 * A room's current `m.room.server_acl`, applied (spec: server-server "Server Access Control
 * Lists"; client-server "Server Access Control Lists (ACLs) for rooms"): inbound on `/send` per
 * PDU, on the room's EDUs, on the membership handshakes and invites; outbound on what we queue
 * for other servers. The decision itself is the pure `rules/server-acl.ts`; this reads the
 * current state and keeps the parsed content per ACL event so a hot path (every queued PDU, every
 * inbound PDU) does not re-parse it.
 */
import type { JsonObject } from '../rules/json';
import { isJsonObject } from '../rules/json';
import type { ServerAcl } from '../rules/server-acl';
import { isServerAllowedByAcl, parseServerAcl } from '../rules/server-acl';
import type { CurrentStateStore } from '../storage/current-state-store';
import type { EventStore } from '../storage/event-store';

/** Parsed ACLs kept; there are few distinct ACL events, so a full cache is simply cleared. */
const MAX_CACHED_ACLS = 256;

export class RoomServerAcl {
  private readonly parsed = new Map<string, ServerAcl>();

  constructor(
    private readonly rooms: {
      currentState: Pick<CurrentStateStore, 'getCurrentStateEventId'>;
      eventStore: Pick<EventStore, 'getEvent'>;
    },
  ) {}

  /** The room's current ACL, or undefined when it has none (everyone allowed). */
  currentAcl(roomId: string): ServerAcl | undefined {
    const eventId = this.rooms.currentState.getCurrentStateEventId(roomId, 'm.room.server_acl', '');
    if (eventId === undefined) return undefined;
    const cached = this.parsed.get(eventId);
    if (cached) return cached;
    const event = this.rooms.eventStore.getEvent(eventId);
    if (!event) return undefined;
    if (this.parsed.size >= MAX_CACHED_ACLS) this.parsed.clear();
    const acl = parseServerAcl(event.content);
    this.parsed.set(eventId, acl);
    return acl;
  }

  /** Whether `serverName` may take part in `roomId` now. */
  allows(roomId: string, serverName: string): boolean {
    const acl = this.currentAcl(roomId);
    return acl === undefined || isServerAllowedByAcl(acl, serverName);
  }

  /**
   * The rooms a queued federation item belongs to: a PDU's `room_id`, an `m.typing`'s room, an
   * `m.receipt`'s room keys. Other EDUs (presence, to-device, device lists) concern users, not
   * rooms, and no room ACL applies to them.
   */
  static roomsOf(kind: 'pdu' | 'edu', item: JsonObject): string[] {
    if (kind === 'pdu') return typeof item['room_id'] === 'string' ? [item['room_id']] : [];
    const content = item['content'];
    if (!isJsonObject(content)) return [];
    switch (item['edu_type']) {
      case 'm.typing':
        return typeof content['room_id'] === 'string' ? [content['room_id']] : [];
      case 'm.receipt':
        return Object.keys(content);
      default:
        return [];
    }
  }

  /** For the outbound queue: every room the item concerns must allow the destination. */
  mayDeliver(destination: string, kind: 'pdu' | 'edu', item: JsonObject): boolean {
    return RoomServerAcl.roomsOf(kind, item).every((roomId) => this.allows(roomId, destination));
  }
}
