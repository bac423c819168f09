/**
 * Ways to build the `AuthStateLookup` that `authorizeEvent` judges against: from a handful of
 * events (an event's auth events) or from a full `StateMap` plus an event getter.
 */
import type { RoomEvent } from '../events/room-event';
import type { StateMap } from '../events/state-map';
import { stateKey } from '../events/state-map';
import type { RoomVersion } from '../room-versions';
import type { AuthStateLookup } from './auth-types';

/** A lookup over the given state events (message events are ignored; a later event wins a key). */
export function authLookupFromEvents(events: Iterable<RoomEvent>): AuthStateLookup {
  const byKey = new Map<string, RoomEvent>();
  for (const event of events) {
    if (event.stateKey !== undefined) byKey.set(stateKey(event.type, event.stateKey), event);
  }
  return { get: (type, key) => byKey.get(stateKey(type, key)) };
}

/**
 * The state an event is judged against in the first check on receipt: the events it cites in
 * `auth_events` (entries of `available` that it does not cite are left out). From v12 the create
 * event is not cited, so the caller passes it, found from the room ID (MSC4291).
 */
export function authLookupFromAuthEvents(
  event: RoomEvent,
  available: Iterable<RoomEvent>,
  version: RoomVersion,
  create?: RoomEvent,
): AuthStateLookup {
  const cited = new Set(event.authEventIds);
  const events: RoomEvent[] = [];
  for (const candidate of available) if (cited.has(candidate.eventId)) events.push(candidate);
  if (version.roomIdFromCreateEvent && create) events.push(create);
  return authLookupFromEvents(events);
}

/**
 * A lookup over a resolved state. Events are fetched lazily, so only the handful the rules ask
 * for are loaded; a state entry whose event the getter cannot supply reads as absent.
 */
export function authLookupFromStateMap(
  state: StateMap,
  getEvent: (eventId: string) => RoomEvent | undefined,
): AuthStateLookup {
  return {
    get(type, key) {
      const eventId = state.get(stateKey(type, key));
      return eventId === undefined ? undefined : getEvent(eventId);
    },
  };
}
