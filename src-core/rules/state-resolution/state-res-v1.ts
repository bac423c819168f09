/**
 * State resolution v1 (spec rooms/v1 "State resolution"; Synapse `synapse/state/v1.py`), used by
 * room version 1 only. Known to reset state (hence v2), but servers must still agree on it.
 *
 * Differences from v2 worth knowing:
 *   - a key held by only some state sets, with one value, is *not* conflicted;
 *   - conflicts are resolved by type in a fixed order — power levels, join rules, memberships,
 *     everything else — each group against the state R built so far (unconflicted state plus the
 *     groups already resolved); memberships do not see each other's resolution;
 *   - for the first three groups the events are taken in ascending depth, then descending
 *     sha1(event_id): the first is accepted unchecked and each next one must pass the auth rules
 *     with its predecessor applied, stopping at the first failure;
 *   - for other types, the first event by descending depth then ascending sha1(event_id) that
 *     passes the auth rules wins; when none passes, Synapse keeps the last one tried, and so do we.
 */
import { createHash } from 'node:crypto';
import type { AuthStateLookup } from '../auth/auth-types';
import type { RoomEvent } from '../events/room-event';
import type { StateKey, StateMap } from '../events/state-map';
import { stateKey } from '../events/state-map';
import { MissingEventError } from './missing-event-error';
import type { StateResContext } from './state-res-context';

const POWER_LEVELS_KEY = stateKey('m.room.power_levels', '');

interface V1Split {
  readonly unconflicted: Map<StateKey, string>;
  readonly conflicted: Map<StateKey, Set<string>>;
}

/** v1 conflicts: a key with two or more distinct events among the sets that hold it. */
export function splitConflictedStateV1(stateSets: readonly StateMap[]): V1Split {
  const values = new Map<StateKey, Set<string>>();
  for (const set of stateSets) {
    for (const [key, id] of set) {
      const ids = values.get(key);
      if (ids) ids.add(id);
      else values.set(key, new Set([id]));
    }
  }
  const unconflicted = new Map<StateKey, string>();
  const conflicted = new Map<StateKey, Set<string>>();
  for (const [key, ids] of values) {
    if (ids.size === 1) unconflicted.set(key, ids.values().next().value as string);
    else conflicted.set(key, ids);
  }
  return { unconflicted, conflicted };
}

function sha1Hex(eventId: string): string {
  return createHash('sha1').update(eventId, 'utf8').digest('hex');
}

/** Descending depth, then ascending sha1(event_id) (Synapse `_ordered_events`). */
function orderedEvents(events: readonly RoomEvent[]): RoomEvent[] {
  const keyed = events.map((event) => ({ event, hash: sha1Hex(event.eventId) }));
  keyed.sort(
    (a, b) => b.event.depth - a.event.depth || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0),
  );
  return keyed.map((entry) => entry.event);
}

function keyOf(event: RoomEvent): StateKey {
  return stateKey(event.type, event.stateKey ?? '');
}

export function resolveStateV1(
  stateSets: readonly StateMap[],
  ctx: StateResContext,
): Map<StateKey, string> {
  const { unconflicted, conflicted } = splitConflictedStateV1(stateSets);
  if (conflicted.size === 0) return unconflicted;

  const conflictedEvents = new Map<StateKey, RoomEvent[]>();
  for (const [key, ids] of conflicted) {
    const events: RoomEvent[] = [];
    for (const id of ids) {
      const event = ctx.getEvent(id);
      if (!event) throw new MissingEventError(id, undefined);
      events.push(event);
    }
    conflictedEvents.set(key, events);
  }

  // R: what the conflicted events are authorised against.
  const r = new Map<StateKey, string>(unconflicted);
  const lookup: AuthStateLookup = {
    get: (type, key) => {
      const id = r.get(stateKey(type, key));
      return id === undefined ? undefined : ctx.getEvent(id);
    },
  };
  const allowed = (event: RoomEvent): boolean =>
    ctx.rules.authorizeEvent(event, lookup, ctx.version).allowed;

  /** Ascending depth, descending sha1: take events while each passes on top of the previous. */
  const resolveAuthEvents = (events: readonly RoomEvent[]): RoomEvent => {
    const ascending = orderedEvents(events).reverse();
    let accepted = ascending[0] as RoomEvent;
    const key = keyOf(accepted);
    const saved = r.get(key);
    for (const event of ascending.slice(1)) {
      r.set(key, accepted.eventId);
      if (!allowed(event)) break;
      accepted = event;
    }
    // The group's results are applied together once the whole group is resolved.
    if (saved === undefined) r.delete(key);
    else r.set(key, saved);
    return accepted;
  };

  const resolved = new Map<StateKey, string>();
  const resolveGroup = (select: (key: StateKey, first: RoomEvent) => boolean): void => {
    const group: [StateKey, string][] = [];
    for (const [key, events] of conflictedEvents) {
      const first = events[0] as RoomEvent;
      if (resolved.has(key) || !select(key, first)) continue;
      group.push([key, resolveAuthEvents(events).eventId]);
    }
    for (const [key, id] of group) {
      resolved.set(key, id);
      r.set(key, id);
    }
  };
  resolveGroup((key) => key === POWER_LEVELS_KEY);
  resolveGroup((_key, first) => first.type === 'm.room.join_rules');
  resolveGroup((_key, first) => first.type === 'm.room.member');

  for (const [key, events] of conflictedEvents) {
    if (resolved.has(key)) continue;
    const ordered = orderedEvents(events);
    const winner = ordered.find(allowed) ?? (ordered[ordered.length - 1] as RoomEvent);
    resolved.set(key, winner.eventId);
  }

  const result = new Map(unconflicted);
  for (const [key, id] of resolved) result.set(key, id);
  return result;
}
