/**
 * Whether a user may see one event, given the room's history visibility at it (client-server
 * API "History visibility", the algorithm under "m.room.history_visibility"):
 *
 * 1. `world_readable` at the event → visible.
 * 2. The user's membership at the event was `join` → visible.
 * 3. `shared`, and the user joined the room at some point after the event → visible.
 * 4. `invited`, and the user's membership at the event was `invite` → visible.
 * 5. Otherwise not.
 *
 * Pure: the caller finds the visibility and membership at the event (from the state before it)
 * and whether the user joined later. Unknown visibility values count as `shared`, the spec's
 * default when the state event is absent or malformed.
 */
export type HistoryVisibility = 'world_readable' | 'shared' | 'invited' | 'joined';

export function parseHistoryVisibility(value: unknown): HistoryVisibility {
  return value === 'world_readable' || value === 'invited' || value === 'joined' ? value : 'shared';
}

export interface VisibilityFacts {
  visibility: HistoryVisibility;
  /**
   * The user's membership at the event. For the user's own membership event Synapse takes the
   * more permissive of the memberships before and after it, so a user sees their own join and
   * the leave that ended their membership; the caller passes whichever applies.
   */
  membershipAtEvent: string | undefined;
  /** Whether the user has a join event topologically after this event. */
  joinedLater: boolean;
}

export function isEventVisible(facts: VisibilityFacts): boolean {
  if (facts.visibility === 'world_readable') return true;
  if (facts.membershipAtEvent === 'join') return true;
  if (facts.visibility === 'shared' && facts.joinedLater) return true;
  if (facts.visibility === 'invited' && facts.membershipAtEvent === 'invite') return true;
  return false;
}

/** Of two memberships, the one that shows more history (join > invite > anything else). */
export function morePermissiveMembership(
  a: string | undefined,
  b: string | undefined,
): string | undefined {
  if (a === 'join' || b === 'join') return 'join';
  if (a === 'invite' || b === 'invite') return 'invite';
  return a ?? b;
}
