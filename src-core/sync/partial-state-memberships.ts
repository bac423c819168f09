/**
 * Lazy-loading /sync in a partial-stated room (faster joins): the resident omitted most member
 * events, so a timeline sender's membership is often missing from the state we hold. Every
 * event cites its sender's membership among its auth events (auth rules: a non-create event
 * needs the sender's `m.room.member`), so we take it from there, as Synapse's
 * `_find_missing_partial_state_memberships` (handlers/sync.py) does.
 */
import type { RoomEvent } from '../rules/events/room-event';

/**
 * The ID of `member`'s membership event among `event`'s auth events, or undefined when it
 * cites none (a join that is its own membership, or a buggy remote event).
 */
export function memberEventFromAuthEvents(
  event: RoomEvent,
  member: string,
  getEvent: (eventId: string) => RoomEvent | undefined,
): string | undefined {
  for (const authId of event.authEventIds) {
    const auth = getEvent(authId);
    if (auth?.type === 'm.room.member' && auth.stateKey === member) return auth.eventId;
  }
  return undefined;
}

/**
 * Fills the member event of each wanted sender that `known` lacks, from the auth events of the
 * sender's first event in `firstEventBySender`. Returns only what it found.
 */
export function findMissingPartialStateMemberships(
  wanted: Iterable<string>,
  known: (member: string) => string | undefined,
  firstEventBySender: ReadonlyMap<string, RoomEvent>,
  getEvent: (eventId: string) => RoomEvent | undefined,
): Map<string, string> {
  const found = new Map<string, string>();
  for (const member of wanted) {
    if (known(member) !== undefined) continue;
    const event = firstEventBySender.get(member);
    if (!event) continue;
    const eventId = memberEventFromAuthEvents(event, member, getEvent);
    if (eventId !== undefined) found.set(member, eventId);
  }
  return found;
}
