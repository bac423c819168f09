/** Helpers for tests that drive a partial join between two in-process servers. */
import type { Homeserver } from '../homeserver';
import { ResyncStore } from '../storage/resync-store';
import { waitFor } from './wait-for';

/** How many of the room's events are still partial-stated on `server`. */
export function partialEventCount(server: Homeserver, roomId: string): number {
  return new ResyncStore(server.context.database).partialEventCount(roomId);
}

/**
 * The resident sends a message after our join; it reaches the joiner partial-stated, so the
 * resync has more than J to do and one step leaves it paused.
 */
export async function residentSpeaksAfterJoin(
  resident: Homeserver,
  joiner: Homeserver,
  roomId: string,
  sender: string,
): Promise<void> {
  resident.context.rooms.sender.send({
    roomId,
    type: 'm.room.message',
    sender,
    content: { msgtype: 'm.text', body: 'after the join' },
  });
  await waitFor(
    'the resident’s message at the joiner',
    () => partialEventCount(joiner, roomId) >= 2,
    10_000,
  );
}
