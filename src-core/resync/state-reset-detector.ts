/**
 * What the resync counts as a state reset (faster-joins design: an event accepted or rejected
 * on partial state whose verdict flips under full state; a state entry the partial state had
 * that the full state changes or removes, or a non-member entry it lacked). Memberships the
 * partial state never had — the members the resident omitted — are expected to appear, so they
 * are only counted.
 */
import type { StateChange } from '../admin-api/admin-api-types';
import type { NewStateReset } from '../storage/resync-store';
import type { StateMap } from '../rules/events/state-map';
import { parseStateKey } from '../rules/events/state-map';

export interface StateComparison {
  changes: StateChange[];
  omittedKeysAdded: number;
}

export function compareStates(partial: StateMap, full: StateMap): StateComparison {
  const changes: StateChange[] = [];
  for (const [key, oldEventId] of partial) {
    const newEventId = full.get(key);
    if (newEventId === oldEventId) continue;
    const { type, stateKey } = parseStateKey(key);
    changes.push({ type, stateKey, oldEventId, newEventId: newEventId ?? null });
  }
  let omittedKeysAdded = 0;
  for (const [key, newEventId] of full) {
    if (partial.has(key)) continue;
    const { type, stateKey } = parseStateKey(key);
    // Only memberships are omitted from a partial join; any other key appearing is news.
    if (type === 'm.room.member') omittedKeysAdded++;
    else changes.push({ type, stateKey, oldEventId: null, newEventId });
  }
  changes.sort((a, b) =>
    a.type === b.type ? (a.stateKey < b.stateKey ? -1 : 1) : a.type < b.type ? -1 : 1,
  );
  return { changes, omittedKeysAdded };
}

export type Verdict = 'accepted' | 'rejected';

/**
 * The reset record for a state comparison that found changes (none for a comparison that only
 * found omitted members): before an event (`state_changed`) or of the room at the end
 * (`current_state_changed`, no event).
 */
export function stateChangeReset(
  roomId: string,
  eventId: string | null,
  comparison: StateComparison,
  createdTs: number,
): NewStateReset | undefined {
  if (comparison.changes.length === 0) return undefined;
  return {
    roomId,
    eventId,
    kind: eventId === null ? 'current_state_changed' : 'state_changed',
    changes: comparison.changes,
    omittedKeysAdded: comparison.omittedKeysAdded,
    oldVerdict: null,
    newVerdict: null,
    rule: null,
    reason: null,
    createdTs,
  };
}
