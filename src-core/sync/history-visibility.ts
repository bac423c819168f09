/**
 * Whether a user may see a timeline event (spec: client-server "History visibility"), read
 * from the room state after the event:
 * - `world_readable`: everyone;
 * - the user was joined at the event: yes;
 * - `shared` (the default): yes while the user is joined now;
 * - `invited`: also while the user was invited at the event;
 * - the user's own membership events are always visible (Synapse: so a rejected invite or a
 *   leave shows up at all).
 */
import type { RoomEvent } from '../rules/events/room-event';

export interface VisibilityState {
  historyVisibility: string;
  /** The user's membership in the state after the event. */
  membership: string | undefined;
}

export function isEventVisible(
  event: RoomEvent,
  userId: string,
  state: VisibilityState,
  joinedNow: boolean,
): boolean {
  if (event.type === 'm.room.member' && event.stateKey === userId) return true;
  if (state.historyVisibility === 'world_readable') return true;
  if (state.membership === 'join') return true;
  if (state.historyVisibility === 'shared' && joinedNow) return true;
  return state.historyVisibility === 'invited' && state.membership === 'invite';
}
