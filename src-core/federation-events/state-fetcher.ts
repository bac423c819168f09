/**
 * Fetches the full state after a remote event P from a peer: `/state_ids` at P, then the events
 * we lack — the whole `/state` when we miss at least 10% (one big request beats thousands of
 * small ones), else `/event` for each — stored as outliers after auth checks. The state after P
 * is the state before it (what /state_ids returns) plus P itself if P is an accepted state event.
 *
 * Used both for incoming events whose prev events we never saw and by the partial-state resync.
 */
import type { Logger } from '../logging/logger';
import type { RoomEvent } from '../rules/events/room-event';
import type { StateKey } from '../rules/events/state-map';
import { stateKey } from '../rules/events/state-map';
import type { RoomVersion } from '../rules/room-versions';
import type { RoomServices } from '../rooms/room-services';
import type { OutlierBatch } from './outlier-batch';
import { prepareOutlierBatch } from './outlier-batch';
import type { KeyPreparer, ReceivedPduResult } from './received-pdu';
import { checkReceivedPdus } from './received-pdu';
import type { RemoteRoomApi, RequestMeter } from './remote-room-api';

/** Synapse's threshold: fetch the whole /state once this share of the ids is missing. */
export const FETCH_WHOLE_STATE_RATIO = 0.1;

export interface FetchedState {
  state: Map<StateKey, string>;
  /** Ids the peer listed that we could not obtain or that failed checks. */
  unusable: string[];
}

function sameEvents(a: readonly RoomEvent[], b: readonly RoomEvent[]): boolean {
  return a.length === b.length && a.every((event, i) => event === b[i]);
}

/** An event `ingestOutliers` stored, and whether it was stored as rejected. */
export interface IngestedOutlier {
  event: RoomEvent;
  rejected: boolean;
}

export class StateFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateFetchError';
  }
}

/**
 * Throws unless a peer's state after `eventId` is whole: every event it listed obtained,
 * verified and accepted, and the room's own create event at `m.room.create`. The resync must
 * not take a hole (an event that was forged, unsigned, fails auth or never came) for the
 * room's full state; the next resident is asked instead.
 */
export function requireCompleteState(
  destination: string,
  eventId: string,
  fetched: FetchedState,
  createEventId: string | undefined,
): void {
  if (fetched.unusable.length > 0) {
    const shown = fetched.unusable.slice(0, 3).join(', ');
    const more = fetched.unusable.length > 3 ? ` and ${fetched.unusable.length - 3} more` : '';
    throw new StateFetchError(
      `${destination} listed state at ${eventId} it did not give us verified and accepted: ${shown}${more}`,
    );
  }
  const create = fetched.state.get(stateKey('m.room.create', ''));
  if (create !== createEventId) {
    throw new StateFetchError(
      `${destination} gave state at ${eventId} with create event ${create ?? 'none'}, the room's is ${createEventId ?? 'unknown'}`,
    );
  }
}

export class StateFetcher {
  constructor(
    private readonly rooms: RoomServices,
    private readonly api: RemoteRoomApi,
    private readonly keys: KeyPreparer,
    private readonly logger: Logger,
  ) {}

  /**
   * Checks raw PDUs and stores the usable ones as outliers; returns the events now held, each
   * with whether it was rejected (so callers need not read them back one by one).
   */
  async ingestOutliers(
    raw: readonly unknown[],
    version: RoomVersion,
    roomId: string,
  ): Promise<Map<string, IngestedOutlier>> {
    const usable = (results: readonly ReceivedPduResult[]): RoomEvent[] =>
      results.flatMap((r) => (r.ok && r.event.roomId === roomId ? [r.event] : []));
    const prepare = (events: readonly RoomEvent[]): OutlierBatch =>
      prepareOutlierBatch(
        events,
        {
          getEvent: this.rooms.roomState.getEvent,
          isRejected: (id) => this.rooms.eventStore.isRejected(id),
        },
        version,
      );
    // Ordering and auth-checking a big batch runs while the worker pool verifies signatures;
    // it is redone only if some signature failed (then the batch holds other events). Like the
    // awaits before it, the wait lets other work store events meanwhile: persist skips any
    // event that is already stored.
    let early: { events: RoomEvent[]; batch: OutlierBatch } | undefined;
    const checked = await checkReceivedPdus(raw, version, this.keys, {
      whileVerifying: (provisional) => {
        const events = usable(provisional);
        early = { events, batch: prepare(events) };
      },
    });
    for (const result of checked) {
      if (!result.ok)
        this.logger.warn('dropping fetched event', {
          room_id: roomId,
          event_id: result.eventId,
          reason: result.reason,
        });
    }
    const events = usable(checked);
    const batch = early && sameEvents(early.events, events) ? early.batch : prepare(events);
    for (const dropped of batch.dropped) {
      this.logger.warn('dropping fetched event', { room_id: roomId, ...dropped });
    }
    if (batch.outliers.length === 0) return new Map();
    // Only what this call wrote: an event stored meanwhile by another path keeps its own verdict.
    const persisted = this.rooms.persister.persist({ outliers: batch.outliers });
    return new Map(
      persisted.map((p) => [p.event.eventId, { event: p.event, rejected: p.rejected }]),
    );
  }

  async stateAfter(
    destination: string,
    roomId: string,
    version: RoomVersion,
    eventId: string,
    meter?: RequestMeter,
  ): Promise<FetchedState> {
    const { pduIds, authChainIds } = await this.api.stateIds(destination, roomId, eventId, meter);
    const wanted = [...new Set([...pduIds, ...authChainIds, eventId])];
    const missing = wanted.filter((id) => !this.rooms.eventStore.hasEvent(id));
    // What this call stored: read from here below instead of from the store (10,000+ lookups).
    let ingested = new Map<string, IngestedOutlier>();
    if (missing.length > 0) {
      if (missing.length >= FETCH_WHOLE_STATE_RATIO * wanted.length) {
        const { pdus, authChain } = await this.api.state(destination, roomId, eventId, meter);
        ingested = await this.ingestOutliers([...authChain, ...pdus], version, roomId);
      } else {
        const fetched: unknown[] = [];
        for (const id of missing) {
          if (id === eventId) continue;
          fetched.push(await this.api.event(destination, id, meter));
        }
        ingested = await this.ingestOutliers(fetched, version, roomId);
      }
      if (!this.rooms.eventStore.hasEvent(eventId)) {
        await this.ingestOutliers(
          [await this.api.event(destination, eventId, meter)],
          version,
          roomId,
        );
      }
    }
    const state = new Map<StateKey, string>();
    const unusable: string[] = [];
    for (const id of pduIds) {
      const fresh = ingested.get(id);
      const event = fresh ? fresh.event : this.rooms.eventStore.getEvent(id);
      const rejected = fresh ? fresh.rejected : this.rooms.eventStore.isRejected(id);
      if (!event || event.stateKey === undefined || rejected) {
        unusable.push(id);
        continue;
      }
      state.set(stateKey(event.type, event.stateKey), id);
    }
    const self = this.rooms.eventStore.getEvent(eventId);
    if (!self) throw new StateFetchError(`${destination} did not give us event ${eventId}`);
    if (self.stateKey !== undefined && !this.rooms.eventStore.isRejected(eventId)) {
      state.set(stateKey(self.type, self.stateKey), eventId);
    }
    return { state, unusable };
  }
}
