/**
 * Client API lookups that need a partial-stated room's full state (faster joins, reference §4;
 * Synapse's `StateFilter.must_await_full_state`): all members, any remote user's membership, or
 * all state. They wait for the room's resync to finish and then answer from the full state; the
 * wait ends early when the client disconnects, so a paused resync does not pile up requests.
 */
import type { FastifyReply } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { serverNameOf } from '../rules/identifiers/server-name-of';

/** Resolves once the room is fully stated (at once if it is); rejects if the client leaves. */
export async function awaitFullStateForRequest(
  context: HomeserverContext,
  reply: FastifyReply,
  roomId: string,
): Promise<void> {
  if (!context.rooms.partialState.isPartialRoom(roomId)) return;
  const abort = new AbortController();
  const onClose = (): void => {
    if (!reply.raw.writableFinished) {
      abort.abort(new Error(`client went away while waiting for the full state of ${roomId}`));
    }
  };
  reply.raw.on('close', onClose);
  try {
    await context.resync.awaitFullState(roomId, abort.signal);
  } finally {
    reply.raw.off('close', onClose);
  }
}

/** Whether a lookup of this state key must wait: another server's user's membership. */
export function stateLookupNeedsFullState(
  serverName: string,
  eventType: string,
  stateKey: string,
): boolean {
  return eventType === 'm.room.member' && serverNameOf(stateKey) !== serverName;
}
