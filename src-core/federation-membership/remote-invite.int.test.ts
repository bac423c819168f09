/**
 * Invites across servers (federation invite v2, both directions): the invitee's server
 * countersigns, the invite shows in the invitee's /sync with its stripped state, accepting joins
 * through the inviter's server, and rejecting sends a leave through make_leave/send_leave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { expectStatus, registerUser } from '../testing/matrix-test-client';
import type { TestUser } from '../testing/matrix-test-client';
import { startTestHomeserver } from '../testing/test-homeserver';

let a: Homeserver;
let b: Homeserver;
let alice: TestUser;
let bob: TestUser;

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

type SyncBody = {
  rooms?: { invite?: Record<string, { invite_state: { events: { type: string }[] } }> };
};

beforeAll(async () => {
  [a, b] = await Promise.all([startTestHomeserver(), startTestHomeserver()]);
  [alice, bob] = await Promise.all([registerUser(a, 'alice'), registerUser(b, 'bob')]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

async function privateRoom(name: string): Promise<string> {
  return expectStatus<{ room_id: string }>(
    await alice.call('POST', '/createRoom', { preset: 'private_chat', name }),
    200,
  ).room_id;
}

describe('remote invites', () => {
  it('delivers an invite with stripped state, and accepting it joins through the inviter', async () => {
    const roomId = await privateRoom('Invited');
    expectStatus(
      await alice.call('POST', `/rooms/${encodeURIComponent(roomId)}/invite`, {
        user_id: bob.userId,
      }),
      200,
    );
    expect(a.context.rooms.currentState.membershipOf(roomId, bob.userId)?.membership).toBe(
      'invite',
    );
    const sync = expectStatus<SyncBody>(await bob.call('GET', '/sync'), 200);
    const invite = sync.rooms?.invite?.[roomId];
    expect(invite?.invite_state.events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'm.room.create',
        'm.room.join_rules',
        'm.room.name',
        'm.room.member',
      ]),
    );
    expectStatus(await bob.call('POST', `/rooms/${encodeURIComponent(roomId)}/join`, {}), 200);
    await waitFor(
      'A to see bob joined',
      () => a.context.rooms.currentState.membershipOf(roomId, bob.userId)?.membership === 'join',
    );
  });

  it('rejects an invite with a leave sent through the inviter’s server', async () => {
    const roomId = await privateRoom('Declined');
    expectStatus(
      await alice.call('POST', `/rooms/${encodeURIComponent(roomId)}/invite`, {
        user_id: bob.userId,
      }),
      200,
    );
    await waitFor(
      'B to hold the invite',
      () => b.context.rooms.currentState.membershipOf(roomId, bob.userId)?.membership === 'invite',
    );
    expectStatus(await bob.call('POST', `/rooms/${encodeURIComponent(roomId)}/leave`, {}), 200);
    expect(b.context.rooms.currentState.membershipOf(roomId, bob.userId)?.membership).toBe('leave');
    await waitFor(
      'A to see the rejection',
      () => a.context.rooms.currentState.membershipOf(roomId, bob.userId)?.membership === 'leave',
    );
  });

  it('refuses to invite a user the invitee’s server does not have', async () => {
    const roomId = await privateRoom('Nobody');
    const response = await alice.call('POST', `/rooms/${encodeURIComponent(roomId)}/invite`, {
      user_id: `@nobody:${b.config.serverName}`,
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(
      a.context.rooms.currentState.membershipOf(roomId, `@nobody:${b.config.serverName}`),
    ).toBeUndefined();
  });
});
