/**
 * Writes events with their state, atomically. One `persist` call is one SQLite transaction: a
 * send_join answer (auth chain + state as outliers, then the join event with its state) either
 * lands whole or not at all. Listeners hear about events only after the commit.
 */
import type { RoomEvent } from '../rules/events/room-event';
import type { StateMap } from '../rules/events/state-map';
import { stateKey } from '../rules/events/state-map';
import type { CurrentStateStore } from '../storage/current-state-store';
import type { Database } from '../storage/database';
import type { EventStore, Rejection } from '../storage/event-store';
import type { RoomStore } from '../storage/room-store';
import type { StateDelta, StateStore } from '../storage/state-store';
import { diffStates } from '../storage/state-store';
import type { StreamCounter } from '../storage/stream-counter';
import type { Clock } from '../util/clock';
import type { ComputedState, RoomStateService } from './room-state';

export interface OutlierToPersist {
  event: RoomEvent;
  rejection?: Rejection | undefined;
}

/**
 * The state after an event stored before this one, possibly earlier in the same `persist` call:
 * lets a bulk import (the room generator) chain thousands of events in one transaction without
 * knowing their state group numbers in advance.
 */
export interface StateAfterStoredEvent {
  kind: 'after-event';
  eventId: string;
}

export interface TimelineEventToPersist {
  event: RoomEvent;
  stateBefore: ComputedState | StateAfterStoredEvent;
  /** Set when check 4 or 5 failed: stored, never part of state or the visible timeline. */
  rejection?: Rejection | undefined;
  /** Check 6 failed: part of the DAG, not of current state, not shown to clients. */
  softFailed?: boolean;
  /** Its state before is partial (faster joins): recorded in partial_state_events. */
  partialState?: boolean;
}

export interface PersistedEvent {
  event: RoomEvent;
  streamOrdering: number;
  outlier: boolean;
  rejected: boolean;
  softFailed: boolean;
  stateGroupBefore?: number;
  stateGroupAfter?: number;
}

export type PersistListener = (persisted: readonly PersistedEvent[]) => void;

/** Work that must commit in the same transaction as the events (e.g. the outbound queue). */
export type InTransactionHook = (persisted: readonly PersistedEvent[]) => void;

export class EventPersister {
  private readonly listeners: PersistListener[] = [];
  private readonly inTransactionHooks: InTransactionHook[] = [];
  /**
   * The events of the batch being persisted. The current-state update reads the new member
   * events back; a 50,000-member join outgrows the parsed-event cache, and reading them in
   * insertion order evicted each one just before it was needed (every read went to SQLite).
   */
  private batchEvents: ReadonlyMap<string, RoomEvent> | undefined;

  constructor(
    private readonly db: Database,
    private readonly rooms: RoomStore,
    private readonly events: EventStore,
    private readonly states: StateStore,
    private readonly currentState: CurrentStateStore,
    private readonly roomState: RoomStateService,
    private readonly stream: StreamCounter,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs `work` in one transaction, with the same clean-up as `persist` if it throws (cached
   * state maps and stream positions from the aborted work are forgotten).
   */
  runInTransaction<T>(work: () => T): T {
    const streamBefore = this.stream.position;
    try {
      return this.db.transaction(work);
    } catch (error) {
      this.stream.resetTo(streamBefore);
      this.states.clearCache();
      throw error;
    }
  }

  onPersisted(listener: PersistListener): void {
    this.listeners.push(listener);
  }

  inTransaction(hook: InTransactionHook): void {
    this.inTransactionHooks.push(hook);
  }

  /**
   * Persists outliers first, then timeline events in order, all in one transaction. `prepare`
   * runs first in it (e.g. inserting the room row), `extra` last (e.g. marking a room
   * partial-stated together with its join event).
   */
  persist(
    batch: { outliers?: readonly OutlierToPersist[]; timeline?: readonly TimelineEventToPersist[] },
    hooks: { prepare?: () => void; extra?: (persisted: readonly PersistedEvent[]) => void } = {},
  ): PersistedEvent[] {
    const streamBefore = this.stream.position;
    const touched = [...(batch.outliers ?? []), ...(batch.timeline ?? [])].map(
      (e) => e.event.eventId,
    );
    let persisted: PersistedEvent[];
    try {
      persisted = this.db.transaction(() => {
        hooks.prepare?.();
        const done: PersistedEvent[] = [];
        const written = new Map<string, RoomEvent>();
        this.batchEvents = written;
        for (const outlier of batch.outliers ?? []) {
          const result = this.persistOutlier(outlier);
          if (result) {
            done.push(result);
            written.set(result.event.eventId, result.event);
          }
        }
        for (const item of batch.timeline ?? []) {
          const result = this.persistTimelineEvent(item);
          if (result) {
            done.push(result);
            written.set(result.event.eventId, result.event);
          }
        }
        this.batchEvents = undefined;
        for (const hook of this.inTransactionHooks) hook(done);
        hooks.extra?.(done);
        return done;
      });
    } catch (error) {
      this.batchEvents = undefined;
      // Nothing was written: forget cached maps and events that never existed.
      this.stream.resetTo(streamBefore);
      this.states.clearCache();
      this.events.forget(touched);
      throw error;
    }
    for (const listener of this.listeners) listener(persisted);
    return persisted;
  }

  private persistOutlier({ event, rejection }: OutlierToPersist): PersistedEvent | undefined {
    if (this.events.hasEvent(event.eventId)) return undefined;
    const streamOrdering = this.events.insertEvent(event, {
      outlier: true,
      softFailed: false,
      receivedTs: this.clock.now(),
    });
    if (rejection) this.events.setRejected(event.eventId, rejection, this.clock.now());
    if (!rejection) this.currentState.recordMemberEvent(event);
    return {
      event,
      streamOrdering,
      outlier: true,
      rejected: rejection !== undefined,
      softFailed: false,
    };
  }

  private persistTimelineEvent(item: TimelineEventToPersist): PersistedEvent | undefined {
    const { event } = item;
    const softFailed = item.softFailed ?? false;
    const meta = this.events.getMeta(event.eventId);
    if (meta && !meta.outlier) return undefined;
    const streamOrdering = meta
      ? this.events.deOutlier(event.eventId, softFailed)
      : this.events.insertEvent(event, {
          outlier: false,
          softFailed,
          receivedTs: this.clock.now(),
        });

    const accepted = item.rejection === undefined;
    if (item.rejection) this.events.setRejected(event.eventId, item.rejection, this.clock.now());
    else this.events.clearRejected(event.eventId);

    const before = this.stateGroupBefore(item.stateBefore, event.roomId);
    const changesState = accepted && event.stateKey !== undefined;
    const after = changesState
      ? this.states.createGroup(
          event.roomId,
          before,
          new Map([[stateKey(event.type, event.stateKey as string), event.eventId]]),
        )
      : before;
    this.events.setEventState(event.eventId, { before, after });
    if (accepted) this.currentState.recordMemberEvent(event);
    if (item.partialState) {
      this.db.run(
        this.db.kysely
          .insertInto('partial_state_events')
          .values({ room_id: event.roomId, event_id: event.eventId })
          .onConflict((oc) => oc.column('event_id').doNothing()),
      );
    }
    if (accepted && !softFailed) {
      this.events.updateForwardExtremities(event);
      this.updateCurrentState(event.roomId, before, after, changesState ? event : undefined);
    }
    return {
      event,
      streamOrdering,
      outlier: false,
      rejected: !accepted,
      softFailed,
      stateGroupBefore: before,
      stateGroupAfter: after,
    };
  }

  private stateGroupBefore(state: ComputedState | StateAfterStoredEvent, roomId: string): number {
    switch (state.kind) {
      case 'group':
        return state.group;
      case 'map':
        return this.states.createGroupForState(roomId, state.state, state.parent);
      case 'after-event': {
        const groups = this.events.getEventState(state.eventId);
        if (!groups) throw new Error(`no state is stored after ${state.eventId} in ${roomId}`);
        return groups.after;
      }
    }
  }

  /**
   * Current state = resolution of the state after every forward extremity. The common case, an
   * event extending the current tip, is a one-entry delta; forks fall back to resolving.
   */
  private updateCurrentState(
    roomId: string,
    before: number,
    after: number,
    stateEvent?: RoomEvent,
  ): void {
    const room = this.rooms.getRoom(roomId);
    if (!room) throw new Error(`cannot update current state of unknown room ${roomId}`);
    const extremities = this.events.getForwardExtremities(roomId);
    const extremityGroups = new Set(
      extremities
        .map((id) => this.events.getEventState(id)?.after)
        .filter((g): g is number => g !== undefined),
    );
    let newGroup: number;
    let delta: StateDelta;
    if (
      extremityGroups.size === 1 &&
      extremityGroups.has(after) &&
      room.currentStateGroup === before
    ) {
      newGroup = after;
      delta = stateEvent
        ? new Map([[stateKey(stateEvent.type, stateEvent.stateKey as string), stateEvent.eventId]])
        : new Map();
    } else {
      const groups = [...extremityGroups];
      const resolved: StateMap =
        groups.length === 1
          ? this.states.getState(groups[0] as number)
          : this.roomState.resolve(
              room.version,
              groups.map((g) => this.states.getState(g)),
            );
      newGroup =
        groups.length === 1
          ? (groups[0] as number)
          : this.states.createGroupForState(roomId, resolved, groups[0] ?? null);
      const old =
        room.currentStateGroup === null ? new Map() : this.states.getState(room.currentStateGroup);
      delta = diffStates(old, resolved);
    }
    if (newGroup !== room.currentStateGroup) this.rooms.setCurrentStateGroup(roomId, newGroup);
    if (delta.size > 0) {
      const batch = this.batchEvents;
      this.currentState.applyDelta(
        roomId,
        delta,
        batch ? (id) => batch.get(id) ?? this.roomState.getEvent(id) : this.roomState.getEvent,
      );
    }
  }
}
