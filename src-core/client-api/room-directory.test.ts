/** Aliases, directory visibility and /publicRooms over HTTPS. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { startTestHomeserver } from '../testing/test-homeserver';
import { callApi, enc, expectStatus, registerUser } from '../testing/matrix-test-client';
import type { TestUser } from '../testing/matrix-test-client';

let server: Homeserver;
let alice: TestUser;
let bob: TestUser;
let roomId: string;

beforeAll(async () => {
  server = await startTestHomeserver();
  alice = await registerUser(server, 'alice');
  bob = await registerUser(server, 'bob');
  roomId = expectStatus<{ room_id: string }>(
    await alice.call('POST', '/createRoom', {
      preset: 'public_chat',
      name: 'Garden',
      topic: 'plants',
    }),
    200,
  ).room_id;
});
afterAll(() => server.stop());

const errcode = (response: { body: unknown }) => (response.body as { errcode: string }).errcode;

describe('aliases', () => {
  it('creates, resolves, lists, refuses a duplicate and deletes', async () => {
    const alias = `#garden:${server.config.serverName}`;
    expectStatus(
      await alice.call('PUT', `/directory/room/${enc(alias)}`, { room_id: roomId }),
      200,
    );
    const resolved = expectStatus<{ room_id: string; servers: string[] }>(
      await callApi(server, 'GET', `/directory/room/${enc(alias)}`),
      200,
    );
    expect(resolved).toEqual({ room_id: roomId, servers: [server.config.serverName] });
    const conflict = await bob.call('PUT', `/directory/room/${enc(alias)}`, { room_id: roomId });
    expect(conflict.status).toBe(409);
    expect(errcode(conflict)).toBe('M_UNKNOWN');
    expect(expectStatus(await alice.call('GET', `/rooms/${enc(roomId)}/aliases`), 200)).toEqual({
      aliases: [alias],
    });
    // Bob is not in the room: its alias list is not his to read.
    expect((await bob.call('GET', `/rooms/${enc(roomId)}/aliases`)).status).toBe(403);
    // Bob neither made the alias nor may manage the room.
    expect((await bob.call('DELETE', `/directory/room/${enc(alias)}`)).status).toBe(403);
    expectStatus(await alice.call('DELETE', `/directory/room/${enc(alias)}`), 200);
    const gone = await callApi(server, 'GET', `/directory/room/${enc(alias)}`);
    expect(gone.status).toBe(404);
    expect(errcode(gone)).toBe('M_NOT_FOUND');
    expect((await alice.call('DELETE', `/directory/room/${enc(alias)}`)).status).toBe(404);
  });

  it('removes a deleted canonical alias from the room state, and joins by alias', async () => {
    const created = expectStatus<{ room_id: string; room_alias: string }>(
      await alice.call('POST', '/createRoom', { preset: 'public_chat', room_alias_name: 'porch' }),
      200,
    );
    expect(
      expectStatus(await bob.call('POST', `/join/${enc(created.room_alias)}`, {}), 200),
    ).toEqual({ room_id: created.room_id });
    expectStatus(await alice.call('DELETE', `/directory/room/${enc(created.room_alias)}`), 200);
    expect(
      expectStatus(
        await alice.call('GET', `/rooms/${enc(created.room_id)}/state/m.room.canonical_alias`),
        200,
      ),
    ).toEqual({});
  });

  it('refuses bad aliases, foreign servers and unknown rooms', async () => {
    const bad = await alice.call('PUT', `/directory/room/${enc('garden')}`, { room_id: roomId });
    expect(bad.status).toBe(400);
    expect(errcode(bad)).toBe('M_INVALID_PARAM');
    const foreign = await alice.call('PUT', `/directory/room/${enc('#x:other.example')}`, {
      room_id: roomId,
    });
    expect(foreign.status).toBe(400);
    const unknownRoom = await alice.call(
      'PUT',
      `/directory/room/${enc(`#y:${server.config.serverName}`)}`,
      { room_id: '!unknown:x' },
    );
    expect(unknownRoom.status).toBe(404);
    const wrongType = await alice.call(
      'PUT',
      `/directory/room/${enc(`#z:${server.config.serverName}`)}`,
      {
        room_id: 3,
      },
    );
    expect(errcode(wrongType)).toBe('M_BAD_JSON');
  });
});

describe('room directory', () => {
  it('publishes and unpublishes, lists public rooms with summaries, paginates', async () => {
    const list = `/directory/list/room/${enc(roomId)}`;
    expect(expectStatus(await callApi(server, 'GET', list), 200)).toEqual({
      visibility: 'private',
    });
    expect((await bob.call('PUT', list, { visibility: 'public' })).status).toBe(403);
    expectStatus(await alice.call('PUT', list, { visibility: 'public' }), 200);
    expectStatus(await bob.call('POST', `/join/${enc(roomId)}`, {}), 200);
    const other = expectStatus<{ room_id: string }>(
      await alice.call('POST', '/createRoom', { visibility: 'public', name: 'Attic' }),
      200,
    ).room_id;

    const all = expectStatus<{
      chunk: Record<string, unknown>[];
      total_room_count_estimate: number;
    }>(await callApi(server, 'GET', '/publicRooms'), 200);
    expect(all.total_room_count_estimate).toBe(2);
    expect(all.chunk[0]).toEqual({
      room_id: roomId,
      name: 'Garden',
      topic: 'plants',
      num_joined_members: 2,
      world_readable: false,
      guest_can_join: false,
      join_rule: 'public',
    });
    expect(all.chunk[1]?.['room_id']).toBe(other);

    const first = expectStatus<{ chunk: unknown[]; next_batch: string }>(
      await callApi(server, 'GET', '/publicRooms?limit=1'),
      200,
    );
    expect(first.chunk).toHaveLength(1);
    const second = expectStatus<{
      chunk: { room_id: string }[];
      prev_batch: string;
      next_batch?: string;
    }>(await callApi(server, 'GET', `/publicRooms?limit=1&since=${first.next_batch}`), 200);
    expect(second.chunk.map((c) => c.room_id)).toEqual([other]);
    expect(second.next_batch).toBeUndefined();

    const searched = expectStatus<{ chunk: { room_id: string }[] }>(
      await alice.call('POST', '/publicRooms', { filter: { generic_search_term: 'attic' } }),
      200,
    );
    expect(searched.chunk.map((c) => c.room_id)).toEqual([other]);
    expect((await alice.call('POST', '/publicRooms', { limit: 'x' })).status).toBe(400);
    expect((await callApi(server, 'GET', '/publicRooms?since=zz')).status).toBe(400);

    expectStatus(await alice.call('PUT', list, { visibility: 'private' }), 200);
    const after = expectStatus<{ chunk: { room_id: string }[] }>(
      await callApi(server, 'GET', '/publicRooms'),
      200,
    );
    expect(after.chunk.map((c) => c.room_id)).toEqual([other]);
    expect((await callApi(server, 'GET', `/directory/list/room/${enc('!nope:x')}`)).status).toBe(
      404,
    );
  });
});
