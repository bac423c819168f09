/**
 * The resync between two real Skein servers: B partially joins a room hosted on A with its
 * resync paused at J, steps one event, resumes, and ends with A's current state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { expectStatus, registerUser } from '../testing/matrix-test-client';
import type { TestUser } from '../testing/matrix-test-client';
import { startTestHomeserver } from '../testing/test-homeserver';
import { waitFor } from '../testing/wait-for';
import { partialEventCount } from '../testing/partial-state';

let a: Homeserver;
let b: Homeserver;
let bob: TestUser;
let alice: TestUser;
let roomId: string;

const partialEvents = (server: Homeserver): number => partialEventCount(server, roomId);

beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestHomeserver(),
    startTestHomeserver({ configure: (config) => (config.resync.startPaused = true) }),
  ]);
  alice = await registerUser(a, 'alice');
  bob = await registerUser(b, 'bob');
  roomId = expectStatus<{ room_id: string }>(
    await alice.call('POST', '/createRoom', {
      preset: 'public_chat',
      room_version: '12',
      name: 'Resync',
    }),
    200,
  ).room_id;
  // Members the partial join will omit, and some history.
  for (let i = 0; i < 6; i++) {
    const member = await registerUser(a, `member${i}`);
    expectStatus(await member.call('POST', `/rooms/${encodeURIComponent(roomId)}/join`, {}), 200);
  }
  for (let i = 0; i < 3; i++) {
    expectStatus(
      await alice.call('PUT', `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/m${i}`, {
        msgtype: 'm.text',
        body: `m${i}`,
      }),
      200,
    );
  }
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('partial-state resync', () => {
  it('starts paused at J and makes no request while paused', async () => {
    expectStatus(
      await bob.call(
        'POST',
        `/join/${encodeURIComponent(roomId)}?server_name=${encodeURIComponent(a.config.serverName)}`,
        {},
      ),
      200,
    );
    // Events after J reach B partial-stated: the resync has more than J to do.
    for (let i = 0; i < 2; i++) {
      expectStatus(
        await alice.call(
          'PUT',
          `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/after${i}`,
          {
            msgtype: 'm.text',
            body: `after ${i}`,
          },
        ),
        200,
      );
    }
    await waitFor('the later events at B', () => partialEvents(b) === 3);
    const resync = b.context.resync.get(roomId);
    expect(resync).toBeDefined();
    await waitFor(
      'the resync to report paused',
      () => b.context.resync.progress(roomId)?.phase === 'paused',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const progress = b.context.resync.progress(roomId);
    expect(progress?.requests).toBe(0);
    expect(progress?.eventsDone).toBe(0);
    expect(partialEvents(b)).toBeGreaterThan(0);
    // Members were omitted: B knows fewer joined members than A.
    expect(b.context.rooms.currentState.members(roomId, 'join').length).toBeLessThan(
      a.context.rooms.currentState.members(roomId, 'join').length,
    );
  });

  it('step 1 un-partials exactly one event, then stays paused', async () => {
    const before = partialEvents(b);
    const joinEventId = b.context.rooms.partialState.getRoom(roomId)?.joinEventId as string;
    b.context.resync.get(roomId)?.step(1);
    await waitFor(
      'one event to be done',
      () => b.context.resync.progress(roomId)?.eventsDone === 1,
    );
    await waitFor('paused again', () => b.context.resync.progress(roomId)?.phase === 'paused');
    expect(partialEvents(b)).toBe(before - 1);
    // J goes first: the only partial event whose prevs are not partial.
    expect(b.context.rooms.partialState.isPartialEvent(joinEventId)).toBe(false);
    expect(b.context.resync.progress(roomId)?.requests).toBeGreaterThan(0);
  });

  it('resumes to completion and ends with the resident’s current state', async () => {
    b.context.resync.get(roomId)?.resume();
    await waitFor(
      'the room to leave partial state',
      () => !b.context.rooms.partialState.isPartialRoom(roomId),
    );
    expect(partialEvents(b)).toBe(0);
    expect(b.context.resync.progress(roomId)?.phase).toBe('complete');
    expect(new Map(b.context.rooms.currentState.getCurrentState(roomId))).toEqual(
      new Map(a.context.rooms.currentState.getCurrentState(roomId)),
    );
    expect(b.context.rooms.currentState.members(roomId, 'join').length).toBe(
      a.context.rooms.currentState.members(roomId, 'join').length,
    );
    // A benign room: the partial state was right where it had entries, so no reset.
    expect(b.context.resync.progress(roomId)?.resets).toBe(0);
  });
});
