/**
 * Fuzz target: every federation endpoint over real HTTPS, signed with a real peer key (the
 * test peer's), with arbitrary bodies and query parameters against an in-process Skein that
 * is partially joined to the peer's room. No answer may be a 5xx, no rejection may go
 * unhandled, and the database must pass `PRAGMA integrity_check` and Skein's invariants.
 */
import fc from 'fast-check';
import { TestPeer } from '../../demo/test-peer/test-peer';
import type { PeerJson } from '../../demo/test-peer/peer-json';
import { checkStorageInvariants } from '../../storage/invariants';
import { expectStatus, registerUser } from '../../testing/matrix-test-client';
import { startTestHomeserver } from '../../testing/test-homeserver';
import { anyJson, pduLike, seedPdus } from './fuzz-arbitraries';
import type { FuzzOptions, FuzzReport } from './fuzz-report';
import { CrashLog, countingUnhandledRejections } from './fuzz-report';

const enc = encodeURIComponent;

interface Probe {
  method: 'GET' | 'PUT' | 'POST';
  uri: string;
  body: PeerJson | undefined;
}

export async function fuzzFederationEndpoints(options: FuzzOptions): Promise<FuzzReport> {
  const [peer, skein] = await Promise.all([TestPeer.start(), startTestHomeserver()]);
  try {
    const room = peer.createRoom({ version: '11', name: 'Fuzzed' });
    const last = room.sendMessage(peer.user('alice'), 'hi');
    const user = await registerUser(skein, 'fuzzer');
    expectStatus(
      await user.call('POST', `/join/${enc(room.roomId)}?server_name=${enc(peer.serverName)}`, {}),
      200,
    );
    const seeds = [...room.events.map((e) => e.pdu), ...seedPdus().flatMap((s) => s.pdus)];
    const pdu = pduLike(seeds);
    const roomId = fc.oneof(fc.constant(room.roomId), fc.string({ maxLength: 12 }));
    const eventId = fc.oneof(fc.constant(last.eventId), fc.string({ maxLength: 12 }));
    const userId = fc.oneof(fc.constant(peer.user('zed')), fc.string({ maxLength: 12 }));
    const queryValue = fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.constantFrom('true', 'false', '1', '-1', '10', '1e9'),
    );
    const query = fc
      .dictionary(
        fc.constantFrom(
          'ver',
          'event_id',
          'limit',
          'v',
          'omit_members',
          'room_alias',
          'user_id',
          'field',
          'x',
        ),
        queryValue,
        { maxKeys: 3 },
      )
      .map((q) => new URLSearchParams(q).toString());
    let txn = 0;
    const path = (p: string, q: string) => (q === '' ? p : `${p}?${q}`);
    const v1 = '/_matrix/federation/v1';
    const v2 = '/_matrix/federation/v2';
    const probe: fc.Arbitrary<Probe> = fc.oneof(
      fc.record({
        method: fc.constant('PUT' as const),
        uri: fc.string({ maxLength: 8 }).map((t) => `${v1}/send/fuzz-${enc(t)}-${++txn}`),
        body: fc.oneof(
          anyJson,
          fc.record(
            {
              origin: fc.oneof(fc.constant(peer.serverName), anyJson),
              origin_server_ts: fc.oneof(fc.integer(), anyJson),
              pdus: fc.oneof(fc.array(pdu, { maxLength: 4 }), anyJson),
              edus: fc.oneof(fc.array(anyJson, { maxLength: 3 }), anyJson),
            },
            { requiredKeys: [] },
          ),
        ),
      }),
      fc.record({
        method: fc.constant('PUT' as const),
        uri: fc
          .tuple(fc.constantFrom('send_join', 'send_leave', 'send_knock'), roomId, eventId, query)
          .map(([kind, r, e, q]) => path(`${v2}/${kind}/${enc(r)}/${enc(e)}`, q)),
        body: fc.oneof(pdu, anyJson),
      }),
      fc.record({
        method: fc.constant('PUT' as const),
        uri: fc.tuple(roomId, eventId).map(([r, e]) => `${v2}/invite/${enc(r)}/${enc(e)}`),
        body: fc.oneof(
          anyJson,
          fc.record(
            {
              event: pdu,
              room_version: fc.oneof(fc.constantFrom('10', '11', '12'), anyJson),
              invite_room_state: fc.oneof(fc.array(anyJson, { maxLength: 3 }), anyJson),
            },
            { requiredKeys: [] },
          ),
        ),
      }),
      fc.record({
        method: fc.constant('POST' as const),
        uri: roomId.map((r) => `${v1}/get_missing_events/${enc(r)}`),
        body: fc.oneof(
          anyJson,
          fc.record(
            {
              earliest_events: fc.oneof(fc.array(eventId, { maxLength: 3 }), anyJson),
              latest_events: fc.oneof(fc.array(eventId, { maxLength: 3 }), anyJson),
              limit: fc.oneof(fc.integer(), anyJson),
              min_depth: fc.oneof(fc.integer(), anyJson),
            },
            { requiredKeys: [] },
          ),
        ),
      }),
      fc.record({
        method: fc.constant('GET' as const),
        uri: fc
          .tuple(
            fc.constantFrom(
              'make_join',
              'make_leave',
              'make_knock',
              'state_ids',
              'state',
              'event_auth',
              'backfill',
              'event',
              'query/directory',
              'query/profile',
              'version',
            ),
            roomId,
            eventId,
            userId,
            query,
          )
          .map(([kind, r, e, u, q]) => {
            if (kind === 'make_join' || kind === 'make_leave' || kind === 'make_knock')
              return path(`${v1}/${kind}/${enc(r)}/${enc(u)}`, q);
            if (kind === 'event_auth') return path(`${v1}/event_auth/${enc(r)}/${enc(e)}`, q);
            if (kind === 'event') return path(`${v1}/event/${enc(e)}`, q);
            if (kind.startsWith('query') || kind === 'version') return path(`${v1}/${kind}`, q);
            return path(`${v1}/${kind}/${enc(r)}`, q);
          }),
        body: fc.constant(undefined),
      }),
    );

    const crashes = new CrashLog();
    let cases = 0;
    const { unhandledRejections } = await countingUnhandledRejections(async () => {
      await fc.assert(
        fc.asyncProperty(probe, async ({ method, uri, body }) => {
          cases++;
          try {
            const response = await peer.federationRequest(
              skein.config.serverName,
              method,
              uri,
              body,
            );
            if (response.status >= 500)
              crashes.record(
                `${method} ${uri} -> ${response.status} ${response.text.slice(0, 200)}`,
              );
          } catch (error) {
            crashes.record(`${method} ${uri} -> no answer: ${String(error)}`);
          }
        }),
        { numRuns: options.numRuns, seed: options.seed },
      );
      await skein.context.federationEvents.incoming.drain();
    });
    const violations = checkStorageInvariants(skein.context.database.sqlite);
    return {
      target: 'federation endpoints',
      cases,
      crashes: crashes.crashes,
      unhandledRejections,
      integrity: violations.length === 0 ? 'ok' : violations.join(' | '),
      examples: crashes.examples,
    };
  } finally {
    await Promise.all([skein.stop(), peer.stop()]);
  }
}
