/**
 * The receiving side of `/send`: every PDU goes through the spec's checks in order — format,
 * signatures, hashes (1–3, received-pdu.ts), then with its gaps filled (missing prev events via
 * /get_missing_events, missing auth events via /event_auth, state at prevs we never saw via
 * /state_ids), auth against its auth events (4), the state before it (5) and the current state
 * (6, soft-fail). In a partial-state room check 5 uses the partial state resolved with the
 * event's auth events, and check 6 is skipped (faster-joins design notes).
 *
 * Network work happens first; the decision and the write are one synchronous step, so nothing
 * can change the room between computing the state and persisting the event.
 */
import type { PduResults, TransactionHandler } from '../federation-api/transaction-handler';
import type { Logger } from '../logging/logger';
import type { AuthVerdict } from '../rules/auth/auth-types';
import type { RoomEvent } from '../rules/events/room-event';
import type { StateMap } from '../rules/events/state-map';
import type { Pdu } from '../rules/events/pdu';
import { computeEventId } from '../rules/hashes/event-id';
import { isJsonObject } from '../rules/json';
import type { RoomVersion } from '../rules/room-versions';
import type { PersistedEvent } from '../rooms/event-persister';
import { RoomServerAcl } from '../rooms/room-server-acl';
import type { RoomServices } from '../rooms/room-services';
import type { Rejection } from '../storage/event-store';
import { KeyedQueue } from '../util/keyed-queue';
import type { AuthCheckDeps } from './event-auth-checks';
import {
  checkAgainstAuthEvents,
  checkAgainstPartialState,
  checkAgainstState,
  missingAuthEvents,
} from './event-auth-checks';
import type { KeyPreparer } from './received-pdu';
import { checkReceivedPdus } from './received-pdu';
import type { RemoteRoomApi } from './remote-room-api';
import type { StateFetcher } from './state-fetcher';

/** How many missing events one /get_missing_events asks for (Synapse serves ≤ 20). */
export const MISSING_EVENTS_LIMIT = 20;

/** EDUs are routed by type to whoever handles them (typing, receipts, to-device, …). */
export type EduRoute = (origin: string, content: Record<string, unknown>) => void | Promise<void>;

/** The ID a PDU is reported under before it is checked: v1/v2 carry it, later ones hash to it. */
function reportedEventId(raw: unknown, version: RoomVersion): string | undefined {
  if (!isJsonObject(raw)) return undefined;
  if (typeof raw['event_id'] === 'string') return raw['event_id'];
  try {
    return computeEventId(raw as unknown as Pdu, version);
  } catch {
    return undefined;
  }
}

export class IncomingEventHandler implements TransactionHandler {
  private readonly queue = new KeyedQueue();
  private readonly eduRoutes = new Map<string, EduRoute>();
  private readonly log: Logger;
  private readonly acl: RoomServerAcl;

  constructor(
    private readonly serverName: string,
    private readonly rooms: RoomServices,
    private readonly api: RemoteRoomApi,
    private readonly keys: KeyPreparer,
    private readonly stateFetcher: StateFetcher,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'incoming-events' });
    this.acl = new RoomServerAcl(rooms);
  }

  routeEdu(type: string, route: EduRoute): void {
    this.eduRoutes.set(type, route);
  }

  private get deps(): AuthCheckDeps {
    return {
      getEvent: this.rooms.roomState.getEvent,
      isRejected: (id) => this.rooms.eventStore.isRejected(id),
    };
  }

  async handleEdus(origin: string, edus: unknown[]): Promise<void> {
    for (const edu of edus) {
      if (
        !isJsonObject(edu) ||
        typeof edu['edu_type'] !== 'string' ||
        !isJsonObject(edu['content'])
      )
        continue;
      const route = this.eduRoutes.get(edu['edu_type']);
      if (!route) continue;
      try {
        await route(origin, edu['content']);
      } catch (error) {
        this.log.warn('EDU handling failed', {
          origin,
          edu_type: edu['edu_type'],
          error: String(error),
        });
      }
    }
  }

  async handlePdus(origin: string, pdus: unknown[]): Promise<PduResults> {
    const results: PduResults = {};
    const byRoom = new Map<string, unknown[]>();
    pdus.forEach((pdu, index) => {
      const roomId =
        isJsonObject(pdu) && typeof pdu['room_id'] === 'string' ? pdu['room_id'] : undefined;
      if (roomId === undefined) {
        results[`#${index}`] = { error: 'PDU has no room_id' };
        return;
      }
      const list = byRoom.get(roomId);
      if (list) list.push(pdu);
      else byRoom.set(roomId, [pdu]);
    });
    await Promise.all(
      [...byRoom].map(([roomId, raws]) =>
        this.queue.run(roomId, async () =>
          Object.assign(results, await this.receiveRoomPdus(origin, roomId, raws)),
        ),
      ),
    );
    return results;
  }

  /** Whether we take events for this room: we know it and a local user is (or is joining) in it. */
  private participates(roomId: string): boolean {
    return (
      this.rooms.currentState.joinedServers(roomId).includes(this.serverName) ||
      this.rooms.partialState.isPartialRoom(roomId)
    );
  }

  private async receiveRoomPdus(
    origin: string,
    roomId: string,
    raws: unknown[],
  ): Promise<PduResults> {
    const results: PduResults = {};
    const version = this.rooms.roomStore.getRoomVersion(roomId);
    if (!version || !this.participates(roomId)) {
      for (const raw of raws) {
        const id =
          isJsonObject(raw) && typeof raw['event_id'] === 'string' ? raw['event_id'] : roomId;
        results[id] = { error: `not participating in room ${roomId}` };
      }
      return results;
    }
    // Spec: server-server "Server Access Control Lists" — /send is checked per PDU, against the
    // room's current ACL and the origin that sent the transaction.
    if (!this.acl.allows(roomId, origin)) {
      for (const raw of raws) {
        results[reportedEventId(raw, version) ?? roomId] = {
          error: `${origin} is denied by the server ACL of room ${roomId}`,
        };
      }
      this.log.info('dropped PDUs from a server the room ACL denies', {
        origin,
        room_id: roomId,
        count: raws.length,
      });
      return results;
    }
    const checked = await checkReceivedPdus(raws, version, this.keys);
    const events: RoomEvent[] = [];
    for (const result of checked) {
      if (!result.ok) {
        results[result.eventId ?? roomId] = { error: result.reason };
        this.log.info('dropped PDU', {
          origin,
          room_id: roomId,
          event_id: result.eventId,
          reason: result.reason,
        });
      } else events.push(result.event);
    }
    // Oldest first, so a batch that carries its own gap fills it in order.
    events.sort((a, b) => a.depth - b.depth);
    for (const event of events) {
      try {
        await this.receiveEvent(origin, event, version, { fetchMissing: true });
        results[event.eventId] = {};
      } catch (error) {
        this.log.warn('failed to process PDU', {
          origin,
          room_id: roomId,
          event_id: event.eventId,
          error: String(error),
        });
        results[event.eventId] = { error: error instanceof Error ? error.message : String(error) };
      }
    }
    return results;
  }

  private hasState(eventId: string): boolean {
    return this.rooms.eventStore.getEventState(eventId) !== undefined;
  }

  /**
   * Processes one checked event (checks 1–3 passed). Returns what was persisted, or undefined
   * when we already had it.
   */
  async receiveEvent(
    origin: string,
    event: RoomEvent,
    version: RoomVersion,
    options: { fetchMissing: boolean },
  ): Promise<PersistedEvent | undefined> {
    if (this.hasState(event.eventId)) return undefined;
    if (options.fetchMissing && event.prevEventIds.some((id) => !this.hasState(id))) {
      await this.fillGap(origin, event, version);
    }
    if (missingAuthEvents(event, this.deps, version).length > 0) {
      const chain = await this.api.eventAuth(origin, event.roomId, event.eventId);
      await this.stateFetcher.ingestOutliers(chain, version, event.roomId);
      const stillMissing = missingAuthEvents(event, this.deps, version);
      if (stillMissing.length > 0) {
        throw new Error(
          `auth events ${stillMissing.join(', ')} of ${event.eventId} are unavailable`,
        );
      }
    }
    const fetched = new Map<string, StateMap>();
    for (const prev of event.prevEventIds) {
      if (this.hasState(prev)) continue;
      fetched.set(
        prev,
        (await this.stateFetcher.stateAfter(origin, event.roomId, version, prev)).state,
      );
    }
    return this.decideAndPersist(event, version, fetched);
  }

  /** Asks the sender for the events between our tips and this one, and processes them first. */
  private async fillGap(origin: string, event: RoomEvent, version: RoomVersion): Promise<void> {
    const earliest = this.rooms.eventStore.getForwardExtremities(event.roomId);
    const minDepth = Math.min(
      ...earliest.map((id) => this.rooms.eventStore.getEvent(id)?.depth ?? 0),
      event.depth,
    );
    let raws: unknown[];
    try {
      raws = await this.api.missingEvents(origin, event.roomId, {
        earliest,
        latest: [event.eventId],
        limit: MISSING_EVENTS_LIMIT,
        minDepth,
      });
    } catch (error) {
      // Not fatal: the state at the missing prevs can still be fetched.
      this.log.info('get_missing_events failed', {
        origin,
        room_id: event.roomId,
        error: String(error),
      });
      return;
    }
    const checked = await checkReceivedPdus(raws, version, this.keys);
    const missing = checked
      .flatMap((r) => (r.ok && r.event.roomId === event.roomId ? [r.event] : []))
      .sort((a, b) => a.depth - b.depth);
    for (const gapEvent of missing) {
      if (gapEvent.eventId === event.eventId) continue;
      try {
        await this.receiveEvent(origin, gapEvent, version, { fetchMissing: false });
      } catch (error) {
        this.log.info('could not process a missing event', {
          origin,
          event_id: gapEvent.eventId,
          error: String(error),
        });
      }
    }
  }

  private decideAndPersist(
    event: RoomEvent,
    version: RoomVersion,
    fetched: Map<string, StateMap>,
  ): PersistedEvent | undefined {
    if (this.hasState(event.eventId)) return undefined;
    const stateBefore = this.rooms.roomState.stateBeforeEvent(version, event.prevEventIds, fetched);
    const partialRoom = this.rooms.partialState.isPartialRoom(event.roomId);
    const partialEvent = event.prevEventIds.some((id) =>
      this.rooms.partialState.isPartialEvent(id),
    );

    let verdict: AuthVerdict = checkAgainstAuthEvents(event, this.deps, version);
    if (verdict.allowed) {
      verdict = partialEvent
        ? checkAgainstPartialState(
            event,
            stateBefore.state,
            this.rooms.roomState,
            this.deps,
            version,
          )
        : checkAgainstState(event, stateBefore.state, this.rooms.roomState, version);
    }
    const rejection: Rejection | undefined = verdict.allowed
      ? undefined
      : { rule: verdict.rule, reason: verdict.reason };
    // Check 6 needs the room's full current state; while partial it cannot be trusted, so it
    // is skipped (the resync re-judges everything).
    let softFailed = false;
    if (!rejection && !partialRoom) {
      const current = this.currentState(event.roomId);
      if (current)
        softFailed = !checkAgainstState(event, current, this.rooms.roomState, version).allowed;
    }
    if (rejection) this.log.info('rejected event', { event_id: event.eventId, ...rejection });
    const [persisted] = this.rooms.persister.persist({
      timeline: [{ event, stateBefore, rejection, softFailed, partialState: partialEvent }],
    });
    return persisted;
  }

  private currentState(roomId: string): StateMap | undefined {
    const group = this.rooms.roomStore.getRoom(roomId)?.currentStateGroup;
    return group === null || group === undefined
      ? undefined
      : this.rooms.stateStore.getState(group);
  }

  /** Runs `task` in the room's queue, serialised with the PDUs arriving for that room. */
  inRoom<T>(roomId: string, task: () => Promise<T>): Promise<T> {
    return this.queue.run(roomId, task);
  }

  /** Waits for queued work (used at shutdown and by tests). */
  drain(): Promise<void> {
    return this.queue.drain();
  }
}
