/**
 * Which events another server may see, and in what form (Synapse `filter_events_for_server`
 * with `redact=True`, whose rule is `event_visible_to_server` in its Rust core):
 *
 * - history visibility `shared` or `world_readable` at the event → visible (the server is in
 *   the room, which the caller has checked);
 * - `invited`/`joined` → visible only if one of the server's users is joined at the event (or
 *   invited, under `invited`);
 * - otherwise the server gets the redacted event, so the DAG stays walkable without content.
 *
 * "At the event" is the state after it, as Synapse's state groups are; an outlier has no state
 * and counts as `shared`. Events already redacted here are always served redacted.
 *
 * In a partial-stated room our view of the members is unreliable: events sent by other servers
 * are left out entirely (the history endpoints' contract: "only our own events"; Synapse serves
 * them pruned instead).
 */
import type { Pdu } from '../rules/events/pdu';
import type { RoomEvent } from '../rules/events/room-event';
import { parseStateKey } from '../rules/events/state-map';
import { serverNameOf } from '../rules/identifiers/server-name-of';
import { redactPdu } from '../rules/redaction';
import type { RoomServices } from '../rooms/room-services';

type ServerVisibility = 'world_readable' | 'shared' | 'invited' | 'joined';

/** Absent or unknown values mean `shared` (spec default). */
function parseVisibility(value: unknown): ServerVisibility {
  return value === 'world_readable' || value === 'invited' || value === 'joined' ? value : 'shared';
}

export class ServerEventVisibility {
  constructor(
    private readonly serverName: string,
    private readonly rooms: RoomServices,
  ) {}

  /** Whether `origin` may see `event`'s content (see the module comment). */
  isVisibleTo(origin: string, event: RoomEvent): boolean {
    const groups = this.rooms.eventStore.getEventState(event.eventId);
    if (!groups) return true;
    const states = this.rooms.stateStore;
    const visId = states.getStateEntry(groups.after, 'm.room.history_visibility', '');
    const visibility = parseVisibility(
      visId === undefined
        ? undefined
        : this.rooms.eventStore.getEvent(visId)?.content['history_visibility'],
    );
    if (visibility === 'shared' || visibility === 'world_readable') return true;
    for (const [key, memberId] of states.getState(groups.after)) {
      const { type, stateKey } = parseStateKey(key);
      if (type !== 'm.room.member' || serverNameOf(stateKey) !== origin) continue;
      const membership = this.rooms.eventStore.getEvent(memberId)?.content['membership'];
      if (membership === 'join') return true;
      if (membership === 'invite' && visibility === 'invited') return true;
    }
    return false;
  }

  /** The PDU as we hand it to other servers: redacted if redacted here, or if `prune`. */
  toFederationPdu(event: RoomEvent, prune = false): Pdu {
    const redacted = prune || Boolean(this.rooms.eventStore.getMeta(event.eventId)?.redactedBy);
    if (!redacted) return event.pdu;
    const version = this.rooms.roomStore.getRoomVersion(event.roomId);
    if (!version) throw new Error(`event ${event.eventId} is in unknown room ${event.roomId}`);
    return redactPdu(event.pdu, version);
  }

  /**
   * Events as `origin` may receive them, in the given order: invisible ones redacted, and in a
   * partial-stated room other servers' events dropped.
   */
  serveTo(origin: string, events: readonly RoomEvent[]): Pdu[] {
    const out: Pdu[] = [];
    for (const event of events) {
      if (
        serverNameOf(event.sender) !== this.serverName &&
        this.rooms.partialState.isPartialRoom(event.roomId)
      ) {
        continue;
      }
      out.push(this.toFederationPdu(event, !this.isVisibleTo(origin, event)));
    }
    return out;
  }
}
