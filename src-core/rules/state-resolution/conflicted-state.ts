import type { StateKey, StateMap } from '../events/state-map';

export interface ConflictSplit {
  /** Keys present in every state set with the same event. */
  readonly unconflicted: Map<StateKey, string>;
  /** Every other key, with the distinct events the sets hold for it. */
  readonly conflicted: Map<StateKey, Set<string>>;
}

/**
 * Spec rooms/v2 "Unconflicted state map and conflicted state set": a key missing from some state
 * set is conflicted too (unlike v1, where such a key is unconflicted). O(total entries).
 */
export function splitConflictedState(stateSets: readonly StateMap[]): ConflictSplit {
  const unconflicted = new Map<StateKey, string>();
  const conflicted = new Map<StateKey, Set<string>>();
  const first = stateSets[0];
  if (!first) return { unconflicted, conflicted };
  const rest = stateSets.slice(1);
  // A key is unconflicted only if it is in the first set, so start there.
  for (const [key, eventId] of first) {
    if (rest.every((set) => set.get(key) === eventId)) {
      unconflicted.set(key, eventId);
    } else {
      const ids = new Set<string>([eventId]);
      for (const set of rest) {
        const other = set.get(key);
        if (other !== undefined) ids.add(other);
      }
      conflicted.set(key, ids);
    }
  }
  // Keys absent from the first set are conflicted by definition.
  for (const set of rest) {
    for (const [key, eventId] of set) {
      if (first.has(key)) continue;
      const ids = conflicted.get(key);
      if (ids) ids.add(eventId);
      else conflicted.set(key, new Set([eventId]));
    }
  }
  return { unconflicted, conflicted };
}

/** Every event of the conflicted state set. */
export function conflictedEventIds(
  conflicted: ReadonlyMap<StateKey, ReadonlySet<string>>,
): Set<string> {
  const ids = new Set<string>();
  for (const set of conflicted.values()) for (const id of set) ids.add(id);
  return ids;
}
