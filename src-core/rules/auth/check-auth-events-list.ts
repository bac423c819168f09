/**
 * Authorization rule "considering the event's auth_events" (rule 2 in v1–v11, rule 3 in v12):
 * the cited auth events must be exactly the kind the selection algorithm picks, each at most once,
 * none rejected, all from the same room, and (before v12) including the create event.
 *
 * Separate from `authorizeEvent` because it judges the *list* the event cites, which only the
 * caller has (with each entry's rejection status); `authorizeEvent` judges against a state.
 */
import type { RoomEvent } from '../events/room-event';
import type { RoomVersion } from '../room-versions';
import { selectAuthEventKeys } from './auth-event-selection';
import { reject } from './auth-rule-ids';
import type { AuthVerdict } from './auth-types';
import { ALLOWED } from './auth-types';

/**
 * @param authEvents the events `event.authEventIds` names (extra entries are ignored, so a v12
 *   caller may include the create event).
 * @param isRejected whether an auth event was itself rejected on receipt.
 */
export function checkAuthEventsList(
  event: RoomEvent,
  authEvents: readonly RoomEvent[],
  version: RoomVersion,
  isRejected: (eventId: string) => boolean = () => false,
): AuthVerdict {
  // The create event cites nothing; rule 1 judges it.
  if (event.type === 'm.room.create') return ALLOWED;
  const byId = new Map(authEvents.map((e) => [e.eventId, e]));
  const expected = selectAuthEventKeys(
    event.type,
    event.stateKey,
    event.sender,
    event.content,
    version,
  );
  const seen = new Map<string, string>();
  let sawCreate = false;
  for (const id of event.authEventIds) {
    const authEvent = byId.get(id);
    if (!authEvent) {
      return reject(
        'auth_events.not_provided',
        `auth event ${id} of ${event.eventId} is not available, so the event cannot be authorised`,
      );
    }
    const where = `${authEvent.type} (state_key ${JSON.stringify(authEvent.stateKey ?? null)})`;
    if (authEvent.stateKey === undefined) {
      return reject(
        'auth_events.unexpected',
        `auth event ${id} is a ${authEvent.type} message event, not room state`,
      );
    }
    const key = JSON.stringify([authEvent.type, authEvent.stateKey]);
    const previous = seen.get(key);
    if (previous !== undefined) {
      return reject(
        'auth_events.duplicate',
        `${event.eventId} cites two ${where} auth events: ${previous} and ${id}`,
      );
    }
    seen.set(key, id);
    if (!expected.some((k) => k.type === authEvent.type && k.stateKey === authEvent.stateKey)) {
      const why =
        authEvent.type === 'm.room.create' && version.roomIdFromCreateEvent
          ? ' (from room version 12 the create event is implied by the room ID and must not be cited)'
          : '';
      return reject(
        'auth_events.unexpected',
        `${event.eventId} cites ${where} event ${id}, which the auth events selection algorithm would not pick for a ${event.type}${why}`,
      );
    }
    if (isRejected(id)) {
      return reject('auth_events.rejected', `auth event ${id} (${where}) was itself rejected`);
    }
    if (authEvent.roomId !== event.roomId) {
      return reject(
        'auth_events.room_id_mismatch',
        `auth event ${id} belongs to room ${authEvent.roomId}, not ${event.roomId}`,
      );
    }
    if (authEvent.type === 'm.room.create') sawCreate = true;
  }
  if (!version.roomIdFromCreateEvent && !sawCreate) {
    return reject(
      'auth_events.missing_create',
      `${event.eventId} does not cite the room's m.room.create event among its auth events`,
    );
  }
  return ALLOWED;
}
