/** Membership flows between local users, members listings and profile propagation, over HTTPS. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { startTestHomeserver } from '../testing/test-homeserver';
import { enc, expectStatus, registerUser } from '../testing/matrix-test-client';
import type { TestUser } from '../testing/matrix-test-client';

let server: Homeserver;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  server = await startTestHomeserver();
  alice = await registerUser(server, 'alice');
  bob = await registerUser(server, 'bob');
  carol = await registerUser(server, 'carol');
});
afterAll(() => server.stop());

async function createRoom(user: TestUser, body: Record<string, unknown>): Promise<string> {
  return expectStatus<{ room_id: string }>(await user.call('POST', '/createRoom', body), 200)
    .room_id;
}

async function membershipOf(viewer: TestUser, roomId: string, userId: string) {
  const response = await viewer.call(
    'GET',
    `/rooms/${enc(roomId)}/state/m.room.member/${enc(userId)}`,
  );
  return response.status === 200 ? (response.body as { membership: string }).membership : undefined;
}

function expectForbidden(response: { status: number; body: unknown; text: string }): void {
  expect(response.status, response.text).toBe(403);
  expect((response.body as { errcode: string }).errcode).toBe('M_FORBIDDEN');
}

describe.each(['10', '11', '12'])('membership in room version %s', (version) => {
  it('invite-only: join refused until invited; invite, join, leave', async () => {
    const roomId = await createRoom(alice, { preset: 'private_chat', room_version: version });
    const r = enc(roomId);
    expectForbidden(await bob.call('POST', `/rooms/${r}/join`, {}));
    // Only members may invite.
    expectForbidden(await bob.call('POST', `/rooms/${r}/invite`, { user_id: carol.userId }));
    expectStatus(await alice.call('POST', `/rooms/${r}/invite`, { user_id: bob.userId }), 200);
    expect(await membershipOf(alice, roomId, bob.userId)).toBe('invite');
    expect(expectStatus(await bob.call('POST', `/join/${r}`, {}), 200)).toEqual({
      room_id: roomId,
    });
    expect(await membershipOf(alice, roomId, bob.userId)).toBe('join');
    const joined = expectStatus<{ joined_rooms: string[] }>(
      await bob.call('GET', '/joined_rooms'),
      200,
    );
    expect(joined.joined_rooms).toContain(roomId);
    expectStatus(await bob.call('POST', `/rooms/${r}/leave`, { reason: 'bye' }), 200);
    expect(await membershipOf(alice, roomId, bob.userId)).toBe('leave');
    // Leaving again is a no-op.
    expectStatus(await bob.call('POST', `/rooms/${r}/leave`, {}), 200);
    const after = expectStatus<{ joined_rooms: string[] }>(
      await bob.call('GET', '/joined_rooms'),
      200,
    );
    expect(after.joined_rooms).not.toContain(roomId);
  });

  it('public: join, kick, ban, unban with power checks', async () => {
    const roomId = await createRoom(alice, { preset: 'public_chat', room_version: version });
    const r = enc(roomId);
    expectStatus(await bob.call('POST', `/rooms/${r}/join`, {}), 200);
    expectStatus(await carol.call('POST', `/join/${r}`, {}), 200);
    // Bob has power 0: he can neither kick nor ban.
    expectForbidden(await bob.call('POST', `/rooms/${r}/kick`, { user_id: carol.userId }));
    expectForbidden(await bob.call('POST', `/rooms/${r}/ban`, { user_id: carol.userId }));
    expectStatus(
      await alice.call('POST', `/rooms/${r}/kick`, { user_id: carol.userId, reason: 'r' }),
      200,
    );
    expect(await membershipOf(alice, roomId, carol.userId)).toBe('leave');
    // Kicking someone who is not in the room is refused.
    expectForbidden(await alice.call('POST', `/rooms/${r}/kick`, { user_id: carol.userId }));
    expectStatus(await alice.call('POST', `/rooms/${r}/ban`, { user_id: carol.userId }), 200);
    expect(await membershipOf(alice, roomId, carol.userId)).toBe('ban');
    expectForbidden(await carol.call('POST', `/rooms/${r}/join`, {}));
    expectForbidden(await bob.call('POST', `/rooms/${r}/unban`, { user_id: carol.userId }));
    // Unbanning someone who is not banned is refused.
    expectForbidden(await alice.call('POST', `/rooms/${r}/unban`, { user_id: bob.userId }));
    expectStatus(await alice.call('POST', `/rooms/${r}/unban`, { user_id: carol.userId }), 200);
    expect(await membershipOf(alice, roomId, carol.userId)).toBe('leave');
    expectStatus(await carol.call('POST', `/rooms/${r}/join`, {}), 200);
  });
});

describe('forget, members and profiles', () => {
  it('forget needs the user to have left', async () => {
    const roomId = await createRoom(alice, { preset: 'public_chat' });
    const r = enc(roomId);
    expectStatus(await bob.call('POST', `/rooms/${r}/join`, {}), 200);
    const early = await bob.call('POST', `/rooms/${r}/forget`, {});
    expect(early.status).toBe(400);
    expectStatus(await bob.call('POST', `/rooms/${r}/leave`, {}), 200);
    expectStatus(await bob.call('POST', `/rooms/${r}/forget`, {}), 200);
    expect(server.context.rooms.forgotten.isForgotten(bob.userId, roomId)).toBe(true);
    expectStatus(await bob.call('POST', `/rooms/${r}/join`, {}), 200);
    expect(server.context.rooms.forgotten.isForgotten(bob.userId, roomId)).toBe(false);
  });

  it('lists members with filters and joined members with null profile fields', async () => {
    const roomId = await createRoom(alice, { preset: 'public_chat', invite: [carol.userId] });
    const r = enc(roomId);
    expectStatus(await bob.call('POST', `/rooms/${r}/join`, {}), 200);
    expectStatus(
      await bob.call('PUT', '/profile/' + enc(bob.userId) + '/displayname', { displayname: null }),
      200,
    );
    const members = expectStatus<{
      chunk: { state_key: string; content: { membership: string } }[];
    }>(await alice.call('GET', `/rooms/${r}/members`), 200);
    expect(members.chunk.map((e) => [e.state_key, e.content.membership])).toEqual(
      [
        [alice.userId, 'join'],
        [bob.userId, 'join'],
        [carol.userId, 'invite'],
      ].sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)),
    );
    const invited = expectStatus<{ chunk: { state_key: string }[] }>(
      await alice.call('GET', `/rooms/${r}/members?membership=invite`),
      200,
    );
    expect(invited.chunk.map((e) => e.state_key)).toEqual([carol.userId]);
    const notJoined = expectStatus<{ chunk: { state_key: string }[] }>(
      await alice.call('GET', `/rooms/${r}/members?not_membership=join`),
      200,
    );
    expect(notJoined.chunk.map((e) => e.state_key)).toEqual([carol.userId]);
    expect((await alice.call('GET', `/rooms/${r}/members?membership=maybe`)).status).toBe(400);

    const joined = expectStatus<{ joined: Record<string, unknown> }>(
      await alice.call('GET', `/rooms/${r}/joined_members`),
      200,
    );
    expect(joined.joined).toEqual({
      [alice.userId]: { display_name: 'alice', avatar_url: null },
      // Bob cleared his display name: propagated as a new join without one.
      [bob.userId]: { display_name: null, avatar_url: null },
    });
    expectForbidden(await carol.call('GET', `/rooms/${r}/joined_members`));
    expectForbidden(await carol.call('GET', `/rooms/${enc('!unknown:nowhere')}/members`));
  });

  it('propagates profile changes into joined rooms as member events', async () => {
    const roomId = await createRoom(alice, { preset: 'public_chat' });
    const r = enc(roomId);
    expectStatus(
      await alice.call('PUT', `/profile/${enc(alice.userId)}/avatar_url`, {
        avatar_url: 'mxc://x/y',
      }),
      200,
    );
    expectStatus(
      await alice.call('PUT', `/profile/${enc(alice.userId)}/displayname`, {
        displayname: 'Alice A.',
      }),
      200,
    );
    const member = expectStatus(
      await alice.call('GET', `/rooms/${r}/state/m.room.member/${enc(alice.userId)}`),
      200,
    );
    expect(member).toEqual({
      membership: 'join',
      displayname: 'Alice A.',
      avatar_url: 'mxc://x/y',
    });
    // A new join carries the current profile.
    const other = await createRoom(bob, { preset: 'public_chat' });
    expectStatus(await alice.call('POST', `/join/${enc(other)}`, {}), 200);
    expect(
      expectStatus(await bob.call('GET', `/rooms/${enc(other)}/joined_members`), 200),
    ).toMatchObject({
      joined: { [alice.userId]: { display_name: 'Alice A.', avatar_url: 'mxc://x/y' } },
    });
  });

  it('answers unknown rooms: join 404, leave 404, bad IDs 400, missing user_id 400', async () => {
    const join = await alice.call('POST', `/join/${enc('!nowhereToBeFound')}`, {});
    expect(join.status).toBe(404);
    expect((join.body as { errcode: string }).errcode).toBe('M_NOT_FOUND');
    expect((await alice.call('POST', `/rooms/${enc('!nowhere:x')}/leave`, {})).status).toBe(404);
    expect((await alice.call('POST', '/join/nonsense', {})).status).toBe(400);
    const roomId = await createRoom(alice, {});
    const missing = await alice.call('POST', `/rooms/${enc(roomId)}/invite`, {});
    expect(missing.status).toBe(400);
    expect((missing.body as { errcode: string }).errcode).toBe('M_MISSING_PARAM');
    const wrongType = await alice.call('POST', `/rooms/${enc(roomId)}/invite`, { user_id: 7 });
    expect((wrongType.body as { errcode: string }).errcode).toBe('M_BAD_JSON');
  });
});
