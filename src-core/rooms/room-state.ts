/**
 * Answers "what is the state at this point of the DAG?" for a room: the state after a stored
 * event, the state before a new event (resolving across its prev events), auth lookups over a
 * state, and the room's current state as the resolution of its forward extremities.
 */
import { authLookupFromStateMap } from '../rules/auth/auth-lookup';
import type { AuthStateLookup } from '../rules/auth/auth-types';
import type { RoomEvent } from '../rules/events/room-event';
import type { StateKey, StateMap } from '../rules/events/state-map';
import { stateKey } from '../rules/events/state-map';
import type { RoomVersion } from '../rules/room-versions';
import { resolveState } from '../rules/state-resolution/resolve-state';
import type { EventStore } from '../storage/event-store';
import type { StateStore } from '../storage/state-store';

/**
 * A state computed for a point in the DAG: either exactly an existing group, or a map (the
 * result of a resolution) that will be stored as a delta over `parent` when persisted.
 */
export type ComputedState =
  | { kind: 'group'; group: number; state: StateMap }
  | { kind: 'map'; parent: number | null; state: StateMap };

export class MissingStateError extends Error {
  constructor(
    readonly eventId: string,
    message: string,
  ) {
    super(message);
    this.name = 'MissingStateError';
  }
}

export class RoomStateService {
  constructor(
    private readonly events: EventStore,
    private readonly states: StateStore,
  ) {}

  readonly getEvent = (eventId: string): RoomEvent | undefined => this.events.getEvent(eventId);

  /** The state group after a stored, non-outlier event. */
  stateGroupAfter(eventId: string): number | undefined {
    return this.events.getEventState(eventId)?.after;
  }

  /**
   * The state after each of `prevEventIds`, resolved: the state before a new event whose prevs
   * we all hold with state. Throws MissingStateError naming a prev we lack.
   */
  stateAfterEvents(version: RoomVersion, prevEventIds: readonly string[]): ComputedState {
    const groups = new Set<number>();
    for (const prev of prevEventIds) {
      const group = this.stateGroupAfter(prev);
      if (group === undefined) {
        throw new MissingStateError(prev, `no state is known at prev event ${prev}`);
      }
      groups.add(group);
    }
    const [first, ...rest] = [...groups];
    if (first === undefined)
      throw new MissingStateError('', 'an event needs at least one prev event');
    if (rest.length === 0)
      return { kind: 'group', group: first, state: this.states.getState(first) };
    const state = resolveState(
      version,
      [first, ...rest].map((g) => this.states.getState(g)),
      this.getEvent,
      { isRejected: (id) => this.events.isRejected(id) },
    );
    return { kind: 'map', parent: first, state };
  }

  /**
   * The state before an event: the resolution of the state after each prev event, where the
   * state after prevs we never held comes from `fetched` (what a peer told us). `usablePrev`
   * lets a caller refuse prevs whose stored state it cannot trust (the resync: partial ones).
   */
  stateBeforeEvent(
    version: RoomVersion,
    prevEventIds: readonly string[],
    fetched: ReadonlyMap<string, StateMap>,
    usablePrev: (prevId: string) => boolean = () => true,
  ): ComputedState {
    if (fetched.size === 0 && prevEventIds.every(usablePrev)) {
      return this.stateAfterEvents(version, prevEventIds);
    }
    const sets: StateMap[] = [];
    let parent: number | null = null;
    for (const prev of prevEventIds) {
      const known = fetched.get(prev);
      if (known) {
        sets.push(known);
        continue;
      }
      const group = this.stateGroupAfter(prev);
      if (group === undefined || !usablePrev(prev)) {
        throw new MissingStateError(prev, `no usable state is known at prev event ${prev}`);
      }
      parent ??= group;
      sets.push(this.states.getState(group));
    }
    return { kind: 'map', parent, state: this.resolve(version, sets) };
  }

  /** Resolves arbitrary state sets (e.g. our state with one fetched from a peer). */
  resolve(version: RoomVersion, stateSets: readonly StateMap[]): StateMap {
    if (stateSets.length === 1 && stateSets[0]) return stateSets[0];
    return resolveState(version, stateSets, this.getEvent, {
      isRejected: (id) => this.events.isRejected(id),
    });
  }

  getState(group: number): StateMap {
    return this.states.getState(group);
  }

  lookup(state: StateMap): AuthStateLookup {
    return authLookupFromStateMap(state, this.getEvent);
  }

  /** The state after `event` given the state before it (rejected events change nothing). */
  static applyEvent(before: StateMap, event: RoomEvent, accepted: boolean): Map<StateKey, string> {
    const after = new Map(before);
    if (accepted && event.stateKey !== undefined)
      after.set(stateKey(event.type, event.stateKey), event.eventId);
    return after;
  }
}
