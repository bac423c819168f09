/**
 * A local user's membership event in a room whose state we do not hold (a remote invite, the
 * leave that rejects it): kept as an outlier, with the membership recorded in the index that
 * /sync reads, in one transaction.
 */
import type { RoomEvent } from '../rules/events/room-event';
import type { RoomVersion } from '../rules/room-versions';
import type { Clock } from '../util/clock';
import type { RoomServices } from './room-services';

export function recordOutOfRoomMembership(
  rooms: RoomServices,
  clock: Clock,
  event: RoomEvent,
  version: RoomVersion,
  membership: 'invite' | 'leave',
): void {
  const userId = event.stateKey;
  if (userId === undefined) throw new Error(`membership event ${event.eventId} has no state_key`);
  rooms.persister.persist(
    { outliers: [{ event }] },
    {
      prepare: () =>
        rooms.roomStore.insertRoom({
          roomId: event.roomId,
          version,
          creator: null,
          createdTs: clock.now(),
        }),
      extra: () =>
        rooms.currentState.setOutOfRoomMembership(event.roomId, userId, membership, event.eventId),
    },
  );
}
