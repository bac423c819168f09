/**
 * Membership changes while a room is partial-stated (faster-joins open questions, answered):
 * a second local user's join repeats the handshake with the resident; leave, kick and rejoin
 * work without waiting for the resync; the resync waits while no local user is in the room and
 * survives a restart, paused as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { expectStatus, registerUser } from '../testing/matrix-test-client';
import type { TestUser } from '../testing/matrix-test-client';
import { startTestHomeserver } from '../testing/test-homeserver';
import { waitFor } from '../testing/wait-for';

let a: Homeserver;
let b: Homeserver;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let roomId: string;
const room = (): string => encodeURIComponent(roomId);

const membership = (server: Homeserver, userId: string): string | undefined =>
  server.context.rooms.currentState.membershipOf(roomId, userId)?.membership;

beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestHomeserver(),
    startTestHomeserver({ configure: (config) => (config.resync.startPaused = true) }),
  ]);
  alice = await registerUser(a, 'alice');
  [bob, carol] = await Promise.all([registerUser(b, 'bob'), registerUser(b, 'carol')]);
  roomId = expectStatus<{ room_id: string }>(
    await alice.call('POST', '/createRoom', { preset: 'public_chat', name: 'Busy room' }),
    200,
  ).room_id;
  for (let i = 0; i < 3; i++) {
    const member = await registerUser(a, `m${i}`);
    expectStatus(await member.call('POST', `/rooms/${encodeURIComponent(roomId)}/join`, {}), 200);
  }
  expectStatus(
    await bob.call(
      'POST',
      `/join/${room()}?server_name=${encodeURIComponent(a.config.serverName)}`,
      {},
    ),
    200,
  );
  await waitFor('paused at J', () => b.context.resync.progress(roomId)?.phase === 'paused');
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('membership while partial-stated', () => {
  it('joins a second local user through the resident, without waiting for the resync', async () => {
    const makeJoinsBefore = a.context.rooms.currentState.members(roomId, 'join').length;
    expectStatus(await carol.call('POST', `/rooms/${room()}/join`, {}), 200);
    expect(membership(b, carol.userId)).toBe('join');
    await waitFor('A to see carol joined', () => membership(a, carol.userId) === 'join');
    expect(a.context.rooms.currentState.members(roomId, 'join').length).toBe(makeJoinsBefore + 1);
    // Bob's earlier join survived the second join's state (resolved with ours).
    expect(membership(b, bob.userId)).toBe('join');
    expect(b.context.rooms.partialState.isPartialRoom(roomId)).toBe(true);
    expect(b.context.resync.progress(roomId)?.eventsDone).toBe(0);
  });

  it('leaves and is kicked without waiting, and the resync then waits for a local member', async () => {
    expectStatus(await bob.call('POST', `/rooms/${room()}/leave`, {}), 200);
    await waitFor('A to see bob leave', () => membership(a, bob.userId) === 'leave');
    expectStatus(
      await alice.call('POST', `/rooms/${room()}/kick`, {
        user_id: carol.userId,
        reason: 'testing',
      }),
      200,
    );
    await waitFor('B to see carol kicked', () => membership(b, carol.userId) === 'leave');
    b.context.resync.get(roomId)?.resume();
    await waitFor(
      'the resync to wait for a local member',
      () => b.context.resync.progress(roomId)?.phase === 'left',
    );
    expect(b.context.rooms.partialState.isPartialRoom(roomId)).toBe(true);
  });

  it('rejoins through the resident and the resync carries on to the resident’s state', async () => {
    expectStatus(
      await bob.call(
        'POST',
        `/join/${room()}?server_name=${encodeURIComponent(a.config.serverName)}`,
        {},
      ),
      200,
    );
    await waitFor('A to see bob rejoin', () => membership(a, bob.userId) === 'join');
    await waitFor(
      'the room to be fully stated',
      () => !b.context.rooms.partialState.isPartialRoom(roomId),
    );
    await waitFor(
      'B to match A',
      () =>
        JSON.stringify([...b.context.rooms.currentState.getCurrentState(roomId)].sort()) ===
        JSON.stringify([...a.context.rooms.currentState.getCurrentState(roomId)].sort()),
    );
  });
});

describe('restart mid-resync', () => {
  it('resumes exactly where it was, paused, and then completes', async () => {
    const c = await startTestHomeserver({
      configure: (config) => (config.resync.startPaused = true),
    });
    const dave = await registerUser(c, 'dave');
    expectStatus(
      await dave.call(
        'POST',
        `/join/${room()}?server_name=${encodeURIComponent(a.config.serverName)}`,
        {},
      ),
      200,
    );
    await waitFor('paused at J', () => c.context.resync.progress(roomId)?.phase === 'paused');
    expectStatus(
      await alice.call('PUT', `/rooms/${room()}/send/m.room.message/for-dave`, {
        msgtype: 'm.text',
        body: 'hi dave',
      }),
      200,
    );
    await waitFor(
      'a second partial event',
      () => c.context.resync.progress(roomId)?.eventsTotal === 2,
    );
    c.context.resync.get(roomId)?.step(1);
    await waitFor('one event done', () => c.context.resync.progress(roomId)?.eventsDone === 1);
    await waitFor('paused again', () => c.context.resync.progress(roomId)?.phase === 'paused');
    const partialBefore = c.context.resync.progress(roomId)?.eventsTotal;
    const { dataDir, serverName, listen } = c.config;
    await c.stop();

    const restarted = await startTestHomeserver({
      dataDir,
      configure: (config) => {
        config.serverName = serverName;
        config.listen = listen;
      },
    });
    try {
      await waitFor(
        'the resync to be back, paused',
        () => restarted.context.resync.progress(roomId)?.phase === 'paused',
      );
      expect(restarted.context.resync.progress(roomId)?.eventsDone).toBe(1);
      expect(restarted.context.resync.progress(roomId)?.eventsTotal).toBe(partialBefore);
      restarted.context.resync.get(roomId)?.resume();
      await waitFor(
        'complete after restart',
        () => !restarted.context.rooms.partialState.isPartialRoom(roomId),
      );
      expect(new Map(restarted.context.rooms.currentState.getCurrentState(roomId))).toEqual(
        new Map(a.context.rooms.currentState.getCurrentState(roomId)),
      );
    } finally {
      await restarted.stop();
    }
  });
});
