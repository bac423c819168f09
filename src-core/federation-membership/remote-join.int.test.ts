/**
 * Two real Skein servers on loopback federating over HTTPS: a user on B joins a room hosted on
 * A (B asks for a partial join, A answers with members omitted), messages flow both ways, and
 * membership changes propagate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { stateKey } from '../rules/events/state-map';
import { expectStatus, registerUser } from '../testing/matrix-test-client';
import type { TestUser } from '../testing/matrix-test-client';
import { startTestHomeserver } from '../testing/test-homeserver';

let a: Homeserver;
let b: Homeserver;
let alice: TestUser;
let bob: TestUser;
let roomId: string;

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function hasEvent(server: Homeserver, eventId: string): boolean {
  return server.context.rooms.eventStore.getEventState(eventId) !== undefined;
}

beforeAll(async () => {
  [a, b] = await Promise.all([startTestHomeserver(), startTestHomeserver()]);
  [alice, bob] = await Promise.all([registerUser(a, 'alice'), registerUser(b, 'bob')]);
  const created = expectStatus<{ room_id: string }>(
    await alice.call('POST', '/createRoom', { preset: 'public_chat', room_version: '11' }),
    200,
  );
  roomId = created.room_id;
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('remote join between two Skein servers', () => {
  it('joins through the resident, partially, with the seed tables filled', async () => {
    const joined = await bob.call(
      'POST',
      `/join/${encodeURIComponent(roomId)}?server_name=${encodeURIComponent(a.config.serverName)}`,
      {},
    );
    expect(expectStatus<{ room_id: string }>(joined, 200).room_id).toBe(roomId);
    const partial = b.context.rooms.partialState.getRoom(roomId);
    expect(partial?.joinedVia).toBe(a.config.serverName);
    expect(b.context.rooms.partialState.serversInRoom(roomId)).toEqual([a.config.serverName]);
    expect(partial?.joinEventId).toBeDefined();
    expect(b.context.rooms.partialState.isPartialEvent(partial?.joinEventId as string)).toBe(true);
    // The resident recorded bob's join too.
    await waitFor(
      'A to hold bob as joined',
      () => a.context.rooms.currentState.membershipOf(roomId, bob.userId)?.membership === 'join',
    );
    // B holds the non-member state and alice (a hero: the room has no name) but not more.
    const current = b.context.rooms.currentState.getCurrentState(roomId);
    expect(current.has(stateKey('m.room.power_levels', ''))).toBe(true);
    expect(current.has(stateKey('m.room.member', alice.userId))).toBe(true);
  });

  it('delivers messages both ways', async () => {
    const fromAlice = expectStatus<{ event_id: string }>(
      await alice.call('PUT', `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t1`, {
        msgtype: 'm.text',
        body: 'hi bob',
      }),
      200,
    );
    await waitFor('B to receive alice’s message', () => hasEvent(b, fromAlice.event_id));
    const fromBob = expectStatus<{ event_id: string }>(
      await bob.call('PUT', `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t1`, {
        msgtype: 'm.text',
        body: 'hi alice',
      }),
      200,
    );
    await waitFor('A to receive bob’s message', () => hasEvent(a, fromBob.event_id));
    expect(a.context.rooms.eventStore.isRejected(fromBob.event_id)).toBe(false);
    expect(b.context.rooms.eventStore.isRejected(fromAlice.event_id)).toBe(false);
  });

  it('propagates state changes and leaves', async () => {
    const topic = expectStatus<{ event_id: string }>(
      await alice.call('PUT', `/rooms/${encodeURIComponent(roomId)}/state/m.room.topic`, {
        topic: 'federated',
      }),
      200,
    );
    await waitFor(
      'B to see the topic',
      () =>
        b.context.rooms.currentState.getCurrentStateEventId(roomId, 'm.room.topic', '') ===
        topic.event_id,
    );
    expectStatus(await bob.call('POST', `/rooms/${encodeURIComponent(roomId)}/leave`, {}), 200);
    await waitFor(
      'A to see bob leave',
      () => a.context.rooms.currentState.membershipOf(roomId, bob.userId)?.membership === 'leave',
    );
  });
});
