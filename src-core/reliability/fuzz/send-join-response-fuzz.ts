/**
 * Fuzz target: the send_join answer, from bytes to a checked join. A fake client hands
 * `RemoteRoomApi.sendJoin` arbitrary JSON (or a plausible answer with mutated events), then
 * `checkJoinResponse` judges it. Refusals must be the two typed errors; anything else escaping
 * is a crash.
 */
import fc from 'fast-check';
import { FederationRequestError } from '../../federation-client/federation-request-error';
import { RemoteRoomApi } from '../../federation-events/remote-room-api';
import type { RoomRequestClient } from '../../federation-events/remote-room-api';
import {
  InvalidJoinResponseError,
  checkJoinResponse,
} from '../../federation-membership/join-response';
import type { JsonValue } from '../../rules/json';
import { findRoomVersion } from '../../rules/room-versions';
import type { RoomEvent } from '../../rules/events/room-event';
import { toRoomEvent } from '../../rules/events/room-event';
import type { Pdu } from '../../rules/events/pdu';
import { computeEventId } from '../../rules/hashes/event-id';
import { anyJson, pduLike, seedPdus } from './fuzz-arbitraries';
import type { FuzzOptions, FuzzReport } from './fuzz-report';
import { CrashLog, countingUnhandledRejections } from './fuzz-report';

export async function fuzzSendJoinResponse(options: FuzzOptions): Promise<FuzzReport> {
  const seed = seedPdus().find((s) => s.version === '11');
  const version = findRoomVersion('11');
  if (!seed || !version) throw new Error('no v11 seed room');
  const join = toRoomEvent(
    seed.pdus[1] as unknown as Pdu,
    computeEventId(seed.pdus[1] as unknown as Pdu, version),
    version,
  );
  const answer = fc.oneof(
    { weight: 1, arbitrary: anyJson },
    {
      weight: 3,
      arbitrary: fc.record(
        {
          state: fc.array(pduLike(seed.pdus), { maxLength: 6 }),
          auth_chain: fc.array(pduLike(seed.pdus), { maxLength: 6 }),
          members_omitted: fc.oneof(fc.boolean(), anyJson),
          servers_in_room: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), anyJson),
          event: fc.oneof(pduLike(seed.pdus), anyJson),
          origin: anyJson,
        },
        { requiredKeys: [] },
      ),
    },
  );
  // No key is known, so events fail at their signatures: the shape checks before are fuzzed.
  const keys = { prepareKeys: () => Promise.resolve(() => undefined) };
  const store = { getEvent: (): RoomEvent | undefined => undefined, isRejected: () => false };
  const crashes = new CrashLog();
  let cases = 0;
  const { unhandledRejections } = await countingUnhandledRejections(async () => {
    await fc.assert(
      fc.asyncProperty(answer, async (body) => {
        cases++;
        const client: RoomRequestClient = {
          request: <T>() => Promise.resolve(body as unknown as T),
        };
        try {
          const response = await new RemoteRoomApi(client).sendJoin(
            'resident.example',
            seed.roomId,
            join.eventId,
            join.pdu as unknown as Record<string, JsonValue>,
            { omitMembers: true },
          );
          await checkJoinResponse({
            destination: 'resident.example',
            roomId: seed.roomId,
            join,
            response,
            version,
            keys,
            store,
          });
        } catch (error) {
          if (error instanceof FederationRequestError || error instanceof InvalidJoinResponseError)
            return;
          crashes.record(`${String(error)} on ${JSON.stringify(body).slice(0, 300)}`);
        }
      }),
      { numRuns: options.numRuns, seed: options.seed },
    );
  });
  return {
    target: 'send_join response',
    cases,
    crashes: crashes.crashes,
    unhandledRejections,
    integrity: 'n/a',
    examples: crashes.examples,
  };
}
