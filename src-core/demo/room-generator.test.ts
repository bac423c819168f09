/**
 * The room generator against real servers: a 200-member room from 3 fake servers with history
 * is generated into resident A; every stored event must pass format validation, hash and
 * signature checks and carry the ID its content gives; A's current state must hold exactly the
 * generated members; then B joins partially and C fully over HTTPS federation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FederationRemoteMembership } from '../federation-membership/federation-remote-membership';
import type { Homeserver } from '../homeserver';
import { validatePdu } from '../rules/event-format/validate-event';
import type { Pdu } from '../rules/events/pdu';
import { stateKey } from '../rules/events/state-map';
import { checkContentHash } from '../rules/hashes/content-hash';
import { computeEventId } from '../rules/hashes/event-id';
import type { EventKeyLookup } from '../rules/signing/verify-event';
import { checkEventSignatures } from '../rules/signing/verify-event';
import { ServerKeyStore } from '../storage/server-key-store';
import { expectStatus, registerUser } from '../testing/matrix-test-client';
import { startTestHomeserver } from '../testing/test-homeserver';
import { trustFakeServerKeys } from './fake-servers';
import type { GeneratedRoom } from './room-generator';
import { generateRoom, generatorResident } from './room-generator';

const MEMBERS = 200;
const SERVERS = 3;
const MESSAGES = 50;

let a: Homeserver;
let b: Homeserver;
let c: Homeserver;
let room: GeneratedRoom;

beforeAll(async () => {
  [a, b, c] = await Promise.all([
    startTestHomeserver(),
    startTestHomeserver(),
    startTestHomeserver(),
  ]);
  room = generateRoom(generatorResident(a.context), {
    members: MEMBERS,
    servers: SERVERS,
    messages: MESSAGES,
    seed: 42,
    batchSize: 64,
  });
  // The joiners learn the fake servers' keys the same way the resident did.
  for (const joiner of [b, c]) {
    trustFakeServerKeys(
      new ServerKeyStore(joiner.context.database),
      room.fakeServers,
      joiner.context.clock.now(),
    );
  }
}, 20_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
});

/**
 * Checks every event of the room stored on A: format, content hash, signatures (by the fake
 * servers' and A's keys), event ID, no rejection. Returns how many servers sent events.
 */
function checkStoredEvents(generated: GeneratedRoom): number {
  const rows = a.context.database.sqlite
    .prepare('SELECT event_id, json FROM events WHERE room_id = ? ORDER BY stream_ordering')
    .all(generated.roomId) as { event_id: string; json: string }[];
  expect(rows.length).toBe(generated.eventCount);
  const keys = new Map<string, Uint8Array>([
    [`${a.context.serverName} ${a.context.signingKey.keyId}`, a.context.signingKey.publicKey],
    ...generated.fakeServers.map(
      (s) => [`${s.serverName} ${s.signingKey.keyId}`, s.signingKey.publicKey] as const,
    ),
  ]);
  const lookup: EventKeyLookup = (server, keyId) => keys.get(`${server} ${keyId}`);
  const servers = new Set<string>();
  for (const row of rows) {
    const pdu: unknown = JSON.parse(row.json);
    const validated = validatePdu(pdu, generated.version);
    if (!validated.ok) throw new Error(`${row.event_id}: ${validated.error.message}`);
    expect(checkContentHash(validated.pdu)).toBe(true);
    const signatures = checkEventSignatures(validated.pdu, generated.version, lookup);
    if (!signatures.ok) throw new Error(`${row.event_id}: ${signatures.reason}`);
    expect(computeEventId(validated.pdu, generated.version)).toBe(row.event_id);
    servers.add((validated.pdu as Pdu).sender.split(':').slice(1).join(':'));
  }
  const rejected = a.context.database.sqlite
    .prepare(
      'SELECT count(*) AS n FROM rejections r JOIN events e USING (event_id) WHERE e.room_id = ?',
    )
    .get(generated.roomId) as { n: number };
  expect(rejected.n).toBe(0);
  return servers.size;
}

function joinedMembers(server: Homeserver, roomId = room.roomId): string[] {
  return server.context.rooms.currentState
    .members(roomId, 'join')
    .map((m) => m.userId)
    .sort();
}

describe('room generator', () => {
  it('stores only events that validate, verify and carry their computed IDs', () => {
    // Joins, messages, state changes, forks and the creator's events all made it.
    expect(room.eventCount).toBeGreaterThan(MEMBERS + MESSAGES);
    expect(checkStoredEvents(room)).toBe(SERVERS + 1);
  });

  it.each(['1', '3', '10'])('builds valid events in room version %s too', (roomVersion) => {
    const small = generateRoom(generatorResident(a.context), {
      members: 30,
      servers: 2,
      messages: 10,
      roomVersion,
      seed: 5,
      batchSize: 16,
    });
    expect(small.version.id).toBe(roomVersion);
    expect(checkStoredEvents(small)).toBe(3);
    expect(joinedMembers(a, small.roomId)).toEqual(small.joinedMembers);
  });

  it('leaves the resident with exactly the generated members, forks merged', () => {
    expect(room.joinedMembers).toHaveLength(MEMBERS + 1);
    expect(joinedMembers(a)).toEqual(room.joinedMembers);
    expect(a.context.rooms.eventStore.getForwardExtremities(room.roomId)).toHaveLength(1);
    // The merges resolved state: some event has more than one prev event.
    const merges = a.context.database.sqlite
      .prepare(
        `SELECT count(*) AS n FROM (SELECT e.event_id FROM event_edges e JOIN events v USING (event_id)
         WHERE v.room_id = ? GROUP BY e.event_id HAVING count(*) > 1)`,
      )
      .get(room.roomId) as { n: number };
    expect(merges.n).toBeGreaterThan(0);
  });

  it('generates the same room shape from the same seed', () => {
    const again = generateRoom(generatorResident(a.context), {
      members: 20,
      servers: 2,
      messages: 5,
      seed: 42,
    });
    const twice = generateRoom(generatorResident(a.context), {
      members: 20,
      servers: 2,
      messages: 5,
      seed: 42,
    });
    expect(twice.joinedMembers).toEqual(again.joinedMembers);
    expect(twice.eventCount).toBe(again.eventCount);
    expect(twice.roomId).not.toBe(again.roomId);
  });

  it('lets a second server join partially over federation', async () => {
    const bob = await registerUser(b, 'bob');
    const joined = await bob.call(
      'POST',
      `/join/${encodeURIComponent(room.roomId)}?server_name=${encodeURIComponent(a.config.serverName)}`,
      {},
    );
    expect(expectStatus<{ room_id: string }>(joined, 200).room_id).toBe(room.roomId);
    expect(b.context.rooms.partialState.isPartialRoom(room.roomId)).toBe(true);
    // The room has a name, so no heroes: only bob's own membership among the members.
    expect(joinedMembers(b)).toEqual([bob.userId]);
    const current = b.context.rooms.currentState.getCurrentState(room.roomId);
    expect(current.has(stateKey('m.room.power_levels', ''))).toBe(true);
    expect(current.has(stateKey('m.room.topic', ''))).toBe(true);
  });

  it('lets a third server join fully when partial joins are off', async () => {
    (c.context.rooms.remoteMembership as FederationRemoteMembership).setPartialJoins(false);
    const carol = await registerUser(c, 'carol');
    const joined = await carol.call(
      'POST',
      `/join/${encodeURIComponent(room.roomId)}?server_name=${encodeURIComponent(a.config.serverName)}`,
      {},
    );
    expect(expectStatus<{ room_id: string }>(joined, 200).room_id).toBe(room.roomId);
    expect(c.context.rooms.partialState.isPartialRoom(room.roomId)).toBe(false);
    const expected = [...room.joinedMembers, carol.userId].sort();
    // bob's join reached A; whether C sees it depends on A's state at carol's join.
    const members = joinedMembers(c).filter((u) => !u.startsWith('@bob:'));
    expect(members).toEqual(expected);
  });
});
