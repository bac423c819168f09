/**
 * The room data we serve to other servers, one method per federation endpoint (the handlers in
 * federation-api/ only parse and answer): access checks first (server-room-access.ts), then the
 * lookup, then the events in federation form as the asker may see them.
 *
 * Which checks each endpoint gets follows Synapse's `federation_server.py`/`handlers/federation.py`:
 * the state endpoints and /event refuse outright while the room is partial-stated (MSC3895);
 * /backfill and /get_missing_events answer with our own events only.
 */
import { notFound } from '../http/matrix-error';
import type { Pdu } from '../rules/events/pdu';
import type { RoomEvent } from '../rules/events/room-event';
import { createEventIdOfRoom } from '../rules/identifiers/room-id';
import type { RoomServices } from '../rooms/room-services';
import type { DagQueries } from '../storage/dag-queries';
import { walkBackfill } from './backfill-walk';
import { walkMissingEvents } from './missing-events-walk';
import { ServerEventVisibility } from './server-event-visibility';
import { ServerRoomAccess } from './server-room-access';

export interface StateIdsAtEvent {
  pduIds: string[];
  authChainIds: string[];
}

export class FederationRoomData {
  readonly access: ServerRoomAccess;
  readonly visibility: ServerEventVisibility;

  constructor(
    serverName: string,
    private readonly rooms: RoomServices,
    private readonly dag: DagQueries,
  ) {
    this.access = new ServerRoomAccess(rooms);
    this.visibility = new ServerEventVisibility(serverName, rooms);
  }

  /**
   * The auth chain of `ids`. From v12 (MSC4291) events do not list the create event, yet it is
   * in every auth chain — Synapse counts it as an implicit auth event — and a receiver cannot
   * check anything without it, so it is added (first: it is the oldest).
   */
  private authChainIds(roomId: string, ids: readonly string[]): string[] {
    const chain = this.dag.authChainIds(roomId, ids);
    const version = this.access.roomVersion(roomId);
    if (!version.roomIdFromCreateEvent) return chain;
    const createId = createEventIdOfRoom(roomId);
    if (chain.includes(createId) || ids.every((id) => id === createId)) return chain;
    return this.rooms.eventStore.hasEvent(createId) ? [createId, ...chain] : chain;
  }

  private pdus(ids: Iterable<string>): Pdu[] {
    const out: Pdu[] = [];
    for (const id of ids) {
      const event = this.rooms.eventStore.getEvent(id);
      if (event) out.push(this.visibility.toFederationPdu(event));
    }
    return out;
  }

  private events(ids: Iterable<string>): RoomEvent[] {
    const out: RoomEvent[] = [];
    for (const id of ids) {
      const event = this.rooms.eventStore.getEvent(id);
      if (event) out.push(event);
    }
    return out;
  }

  /**
   * GET /event/{eventId}. Any event we hold — outliers, soft-failed and rejected ones too, as
   * Synapse serves them (`allow_rejected=True`) — redacted when the origin may not see it.
   */
  event(origin: string, eventId: string): Pdu {
    const event = this.rooms.eventStore.getEvent(eventId);
    if (!event) throw notFound(`Unknown event ${eventId}`);
    this.access.authorize(event.roomId, origin, { allowPartialState: false });
    return this.visibility.toFederationPdu(event, !this.visibility.isVisibleTo(origin, event));
  }

  /** An accepted timeline event of the room, with the state groups around it; else 404. */
  private eventWithState(roomId: string, eventId: string) {
    const event = this.rooms.eventStore.getEvent(eventId);
    if (!event || event.roomId !== roomId) {
      throw notFound(`Unknown event ${eventId} in room ${roomId}`);
    }
    // Synapse: rejected events are "not found" here, and an outlier has no state to give.
    if (this.rooms.eventStore.isRejected(eventId)) throw notFound(`Event ${eventId} was rejected`);
    const groups = this.rooms.eventStore.getEventState(eventId);
    if (!groups) throw notFound(`State not known at event ${eventId}`);
    return { event, groups };
  }

  /**
   * GET /state_ids/{roomId}?event_id=: the state *before* the event (Synapse computes the state
   * after it and swaps the event back for what it replaced — the same map), and the auth chain
   * of those state events.
   */
  stateIds(origin: string, roomId: string, eventId: string): StateIdsAtEvent {
    this.access.authorize(roomId, origin, { allowPartialState: false });
    const { groups } = this.eventWithState(roomId, eventId);
    const pduIds = [...this.rooms.stateStore.getState(groups.before).values()];
    return { pduIds, authChainIds: this.authChainIds(roomId, pduIds) };
  }

  /** GET /state/{roomId}?event_id=: the events of `stateIds`. */
  state(origin: string, roomId: string, eventId: string): { pdus: Pdu[]; authChain: Pdu[] } {
    const { pduIds, authChainIds } = this.stateIds(origin, roomId, eventId);
    return { pdus: this.pdus(pduIds), authChain: this.pdus(authChainIds) };
  }

  /** GET /event_auth/{roomId}/{eventId}: the event's auth events and their whole chain. */
  eventAuth(origin: string, roomId: string, eventId: string): Pdu[] {
    this.access.authorize(roomId, origin, { allowPartialState: false });
    const event = this.rooms.eventStore.getEvent(eventId);
    if (!event || event.roomId !== roomId) {
      throw notFound(`Unknown event ${eventId} in room ${roomId}`);
    }
    if (this.rooms.eventStore.isRejected(eventId)) throw notFound(`Event ${eventId} was rejected`);
    return this.pdus(this.authChainIds(roomId, [eventId]));
  }

  /** POST /get_missing_events/{roomId}. */
  missingEvents(
    origin: string,
    roomId: string,
    request: { earliest: readonly string[]; latest: readonly string[]; limit: number },
  ): Pdu[] {
    this.access.authorize(roomId, origin, { allowPartialState: true });
    const ids = walkMissingEvents(this.dag, roomId, request);
    return this.visibility.serveTo(origin, this.events(ids));
  }

  /** GET /backfill/{roomId}?v=&limit=. */
  backfill(origin: string, roomId: string, from: readonly string[], limit: number): Pdu[] {
    this.access.authorize(roomId, origin, { allowPartialState: true });
    const ids = walkBackfill(this.dag, roomId, from, limit);
    return this.visibility.serveTo(origin, this.events(ids));
  }
}
