/**
 * Checking a send_join answer before we trust any of it (what Synapse's joining side checks,
 * partial-joins reference §1.2): the create event is there and says the room version make_join
 * gave; every event's signatures and hashes verify; no second create event hides in the auth
 * chain; a partial answer names servers in the room (and we add the responder); then every
 * state and auth event is judged against its own auth events, to be stored as outliers.
 */
import type { FederationRequestError } from '../federation-client/federation-request-error';
import type { AuthCheckDeps } from '../federation-events/event-auth-checks';
import type { OutlierBatch } from '../federation-events/outlier-batch';
import { prepareOutlierBatch } from '../federation-events/outlier-batch';
import type { KeyPreparer, ReceivedPduResult } from '../federation-events/received-pdu';
import { checkReceivedPdus } from '../federation-events/received-pdu';
import type { SendJoinResponse } from '../federation-events/remote-room-api';
import type { RoomEvent } from '../rules/events/room-event';
import type { StateKey } from '../rules/events/state-map';
import { stateKey } from '../rules/events/state-map';
import type { RoomVersion } from '../rules/room-versions';

export class InvalidJoinResponseError extends Error {
  constructor(
    readonly destination: string,
    message: string,
  ) {
    super(`send_join answer from ${destination} is unusable: ${message}`);
    this.name = 'InvalidJoinResponseError';
  }
}

export interface CheckedJoinResponse {
  batch: OutlierBatch;
  /** The state before the join, as the resident gave it (partial when members were omitted). */
  stateBefore: Map<StateKey, string>;
  partial: boolean;
  serversInRoom: string[];
  /** The join as the resident returned it (re-signed for restricted rooms), if usable. */
  resignedJoin: RoomEvent | undefined;
}

/** Auth chain first, then state: the order the outlier batch is built from. */
function outlierOrder(checked: readonly ReceivedPduResult[], stateCount: number): RoomEvent[] {
  const events = (results: readonly ReceivedPduResult[]): RoomEvent[] =>
    results.flatMap((r) => (r.ok ? [r.event] : []));
  return [...events(checked.slice(stateCount)), ...events(checked.slice(0, stateCount))];
}

function sameEvents(a: readonly RoomEvent[], b: readonly RoomEvent[]): boolean {
  return a.length === b.length && a.every((event, i) => event === b[i]);
}

export async function checkJoinResponse(options: {
  destination: string;
  roomId: string;
  join: RoomEvent;
  response: SendJoinResponse;
  version: RoomVersion;
  keys: KeyPreparer;
  store: AuthCheckDeps;
}): Promise<CheckedJoinResponse> {
  const { destination, roomId, version, response } = options;
  const fail = (message: string): InvalidJoinResponseError =>
    new InvalidJoinResponseError(destination, message);

  // State and auth chain are checked as one batch, so the worker pool gets all their
  // signatures at once; meanwhile the batch is ordered and auth-checked as if every signature
  // verifies (any failure below rejects the whole answer, so that guess is either right or
  // unused).
  const stateCount = response.state.length;
  let early: { events: RoomEvent[]; batch: OutlierBatch } | undefined;
  const [allChecked, joinChecked] = await Promise.all([
    checkReceivedPdus([...response.state, ...response.authChain], version, options.keys, {
      whileVerifying: (provisional) => {
        if (!provisional.every((r) => r.ok && r.event.roomId === roomId)) return;
        const events = outlierOrder(provisional, stateCount);
        early = { events, batch: prepareOutlierBatch(events, options.store, version) };
      },
    }),
    response.event === undefined
      ? Promise.resolve([])
      : checkReceivedPdus([response.event], version, options.keys),
  ]);
  const stateChecked = allChecked.slice(0, stateCount);
  const authChecked = allChecked.slice(stateCount);
  // One unverifiable or foreign event makes the whole answer untrustworthy: state with a hole
  // in it would be taken for the room's state, so ask another resident instead.
  for (const [field, results] of [
    ['state', stateChecked],
    ['auth_chain', authChecked],
  ] as const) {
    for (const result of results) {
      if (!result.ok) throw fail(`${field} event ${result.eventId ?? '(no ID)'}: ${result.reason}`);
      if (result.event.roomId !== roomId) {
        throw fail(`${field} event ${result.event.eventId} is from room ${result.event.roomId}`);
      }
    }
  }
  // A hash mismatch is not the resident's lie to detect: check 3 keeps the redacted form.
  const usable = (results: typeof stateChecked): RoomEvent[] =>
    results.flatMap((r) => (r.ok ? [r.event] : []));
  const stateEvents = usable(stateChecked);
  const authEvents = usable(authChecked);

  const creates = stateEvents.filter((e) => e.type === 'm.room.create' && e.stateKey === '');
  const create = creates[0];
  if (!create) throw fail('state has no m.room.create event');
  const createVersion = create.content['room_version'] ?? '1';
  if (createVersion !== version.id) {
    throw fail(
      `create event says room version ${JSON.stringify(createVersion)}, make_join said ${version.id}`,
    );
  }
  for (const authEvent of authEvents) {
    if (authEvent.type === 'm.room.create' && authEvent.eventId !== create.eventId) {
      throw fail(`auth chain carries a different create event ${authEvent.eventId}`);
    }
  }

  let serversInRoom: string[] = [];
  if (response.membersOmitted) {
    if (!response.serversInRoom || response.serversInRoom.length === 0) {
      throw fail('members were omitted but servers_in_room is empty');
    }
    // The list should be complete; add the responder in case it is not (as Synapse does).
    serversInRoom = [...new Set([...response.serversInRoom, destination])].sort();
  }

  const events = [...authEvents, ...stateEvents];
  const batch =
    early && sameEvents(early.events, events)
      ? early.batch
      : prepareOutlierBatch(events, options.store, version);
  const dropped = batch.dropped[0];
  if (dropped) throw fail(`event ${dropped.eventId} cannot be judged: ${dropped.reason}`);
  const stateIds = new Set(stateEvents.map((e) => e.eventId));
  const accepted = new Map<string, RoomEvent>();
  for (const outlier of batch.outliers) {
    if (!outlier.rejection) accepted.set(outlier.event.eventId, outlier.event);
    // A resident's state holds only accepted events; one that fails auth is a forgery.
    else if (stateIds.has(outlier.event.eventId)) {
      throw fail(
        `state event ${outlier.event.eventId} fails auth (${outlier.rejection.rule}): ${outlier.rejection.reason}`,
      );
    }
  }
  const stateBefore = new Map<StateKey, string>();
  for (const event of stateEvents) {
    const known =
      accepted.get(event.eventId) ??
      (options.store.isRejected(event.eventId) ? undefined : options.store.getEvent(event.eventId));
    if (known?.stateKey !== undefined)
      stateBefore.set(stateKey(known.type, known.stateKey), known.eventId);
  }
  if (!stateBefore.has(stateKey('m.room.create', '')))
    throw fail('the create event failed its checks');

  const returnedJoin = joinChecked[0];
  const resignedJoin =
    returnedJoin?.ok && returnedJoin.event.eventId === options.join.eventId
      ? returnedJoin.event
      : undefined;
  return { batch, stateBefore, partial: response.membersOmitted, serversInRoom, resignedJoin };
}

/** Whether trying another resident could help after this failure. */
export function isWorthTryingAnotherServer(error: unknown): boolean {
  if (error instanceof InvalidJoinResponseError) return true;
  const federationError = error as Partial<FederationRequestError>;
  // A definite "no" (403 banned, 404 unknown room) from one resident may differ elsewhere, but
  // a 400 about our request will not.
  return federationError.status !== 400;
}
