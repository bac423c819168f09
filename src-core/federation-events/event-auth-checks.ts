/**
 * Checks 4–6 of "Checks performed on receipt of a PDU", plus the partial-state variant of check
 * 5 from the faster-joins design: authorise against the resolution of the partial state before
 * the event and the event's own auth events.
 */
import { authLookupFromAuthEvents } from '../rules/auth/auth-lookup';
import type { AuthVerdict } from '../rules/auth/auth-types';
import { authorizeEvent, checkAuthEventsList } from '../rules/auth/authorize-event';
import type { RoomEvent } from '../rules/events/room-event';
import type { StateMap } from '../rules/events/state-map';
import { stateKey } from '../rules/events/state-map';
import { createEventIdFromRoomId } from '../rules/hashes/room-id';
import type { RoomVersion } from '../rules/room-versions';
import type { RoomStateService } from '../rooms/room-state';

export interface AuthCheckDeps {
  getEvent: (eventId: string) => RoomEvent | undefined;
  isRejected: (eventId: string) => boolean;
}

/** The room's create event as v12 rules need it (not cited in auth_events, MSC4291). */
function roomCreateEvent(
  event: RoomEvent,
  deps: AuthCheckDeps,
  version: RoomVersion,
): RoomEvent | undefined {
  if (!version.roomIdFromCreateEvent || event.type === 'm.room.create') return undefined;
  return deps.getEvent(createEventIdFromRoomId(event.roomId));
}

/** The auth events an event cites that we do not hold (nothing to check 4 against yet). */
export function missingAuthEvents(
  event: RoomEvent,
  deps: AuthCheckDeps,
  version: RoomVersion,
): string[] {
  const missing = event.authEventIds.filter((id) => deps.getEvent(id) === undefined);
  if (version.roomIdFromCreateEvent && event.type !== 'm.room.create') {
    const createId = createEventIdFromRoomId(event.roomId);
    if (deps.getEvent(createId) === undefined) missing.push(createId);
  }
  return missing;
}

/** Check 4: the event is allowed by the events it cites as auth events. */
export function checkAgainstAuthEvents(
  event: RoomEvent,
  deps: AuthCheckDeps,
  version: RoomVersion,
): AuthVerdict {
  const authEvents = event.authEventIds
    .map((id) => deps.getEvent(id))
    .filter((e): e is RoomEvent => e !== undefined);
  const listVerdict = checkAuthEventsList(event, authEvents, version, deps.isRejected);
  if (!listVerdict.allowed) return listVerdict;
  const lookup = authLookupFromAuthEvents(
    event,
    authEvents,
    version,
    roomCreateEvent(event, deps, version),
  );
  return authorizeEvent(event, lookup, version);
}

/** Check 5 (and check 6 with the current state): the event is allowed by a room state. */
export function checkAgainstState(
  event: RoomEvent,
  state: StateMap,
  roomState: RoomStateService,
  version: RoomVersion,
): AuthVerdict {
  return authorizeEvent(event, roomState.lookup(state), version);
}

/** The event's auth events as a state map (what it claims the relevant state was). */
export function authEventsAsState(
  event: RoomEvent,
  deps: AuthCheckDeps,
): Map<ReturnType<typeof stateKey>, string> {
  const state = new Map<ReturnType<typeof stateKey>, string>();
  for (const id of event.authEventIds) {
    const authEvent = deps.getEvent(id);
    if (authEvent?.stateKey !== undefined)
      state.set(stateKey(authEvent.type, authEvent.stateKey), id);
  }
  return state;
}

/**
 * Check 5 while the room is partial-stated: we lack most memberships, so resolve what we do
 * know (the partial state before E) with what E claims (its auth events) and authorise against
 * that. Bans and power levels we know of still apply.
 */
export function checkAgainstPartialState(
  event: RoomEvent,
  partialState: StateMap,
  roomState: RoomStateService,
  deps: AuthCheckDeps,
  version: RoomVersion,
): AuthVerdict {
  const resolved = roomState.resolve(version, [partialState, authEventsAsState(event, deps)]);
  return authorizeEvent(event, roomState.lookup(resolved), version);
}
