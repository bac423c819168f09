/** /messages, /context and history visibility over HTTPS. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { startTestHomeserver } from '../testing/test-homeserver';
import { enc, expectStatus, registerUser } from '../testing/matrix-test-client';
import type { TestUser } from '../testing/matrix-test-client';

let server: Homeserver;
let alice: TestUser;
let bob: TestUser;

interface ClientEvent {
  event_id: string;
  type: string;
  sender: string;
  content: Record<string, unknown>;
}
interface Page {
  start: string;
  end?: string;
  chunk: ClientEvent[];
  state?: ClientEvent[];
}

beforeAll(async () => {
  server = await startTestHomeserver();
  alice = await registerUser(server, 'alice');
  bob = await registerUser(server, 'bob');
});
afterAll(() => server.stop());

async function createRoom(body: Record<string, unknown>): Promise<string> {
  return expectStatus<{ room_id: string }>(await alice.call('POST', '/createRoom', body), 200)
    .room_id;
}

let txnCounter = 0;

async function sendNumbered(roomId: string, count: number, sender = alice): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const sent = expectStatus<{ event_id: string }>(
      await sender.call('PUT', `/rooms/${enc(roomId)}/send/m.room.message/n${txnCounter++}`, {
        msgtype: 'm.text',
        body: `message ${i}`,
      }),
      200,
    );
    ids.push(sent.event_id);
  }
  return ids;
}

async function paginate(user: TestUser, roomId: string, dir: 'b' | 'f', limit: number) {
  const seen: string[] = [];
  let from: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const query = `dir=${dir}&limit=${limit}${from ? `&from=${enc(from)}` : ''}`;
    const page = expectStatus<Page>(
      await user.call('GET', `/rooms/${enc(roomId)}/messages?${query}`),
      200,
    );
    expect(page.chunk.length).toBeLessThanOrEqual(limit);
    seen.push(...page.chunk.map((e) => e.event_id));
    if (page.end === undefined) return seen;
    from = page.end;
  }
  throw new Error('pagination did not end');
}

describe('/messages', () => {
  it('paginates 120 events both ways in exact order without gaps or duplicates', async () => {
    const roomId = await createRoom({ preset: 'private_chat', room_version: '10' });
    const sent = await sendNumbered(roomId, 120);
    const backwards = await paginate(alice, roomId, 'b', 7);
    const forwards = await paginate(alice, roomId, 'f', 11);
    expect(new Set(backwards).size).toBe(backwards.length);
    expect([...backwards].reverse()).toEqual(forwards);
    // The room's creation events come first, then the 120 messages in order.
    expect(forwards.slice(-120)).toEqual(sent);
    expect(forwards[0]).toBe(
      server.context.rooms.currentState.getCurrentStateEventId(roomId, 'm.room.create', ''),
    );
    // `to` stops a page; a stream token from /sync is accepted as `from`.
    const first = expectStatus<Page>(
      await alice.call('GET', `/rooms/${enc(roomId)}/messages?dir=b&limit=5`),
      200,
    );
    const bounded = expectStatus<Page>(
      await alice.call(
        'GET',
        `/rooms/${enc(roomId)}/messages?dir=f&from=${enc(first.end ?? '')}&to=${enc(first.start)}&limit=50`,
      ),
      200,
    );
    expect(bounded.chunk.map((e) => e.event_id)).toEqual(sent.slice(-5));
    const fromStream = expectStatus<Page>(
      await alice.call(
        'GET',
        `/rooms/${enc(roomId)}/messages?dir=b&limit=3&from=s${server.context.stream.position}`,
      ),
      200,
    );
    expect(fromStream.chunk.map((e) => e.event_id)).toEqual(sent.slice(-3).reverse());
  });

  it('filters by type and sender, and lazy-loads members of the senders', async () => {
    const roomId = await createRoom({ preset: 'public_chat' });
    expectStatus(await bob.call('POST', `/join/${enc(roomId)}`, {}), 200);
    await sendNumbered(roomId, 3, bob);
    const filter = enc(JSON.stringify({ types: ['m.room.message'], lazy_load_members: true }));
    const page = expectStatus<Page>(
      await alice.call('GET', `/rooms/${enc(roomId)}/messages?dir=b&limit=10&filter=${filter}`),
      200,
    );
    expect(page.chunk.map((e) => e.content['body'])).toEqual([
      'message 2',
      'message 1',
      'message 0',
    ]);
    expect(page.state?.map((e) => e.content['membership'])).toEqual(['join']);
    const notBob = enc(JSON.stringify({ not_senders: [bob.userId], types: ['m.room.message'] }));
    const none = expectStatus<Page>(
      await alice.call('GET', `/rooms/${enc(roomId)}/messages?dir=b&filter=${notBob}`),
      200,
    );
    expect(none.chunk).toEqual([]);
    expect(none.end).toBeUndefined();
  });

  it('answers bad parameters with 400 and strangers with 403', async () => {
    const roomId = await createRoom({ preset: 'private_chat' });
    const r = enc(roomId);
    for (const query of ['dir=x', 'limit=abc', 'from=garbage', 'filter=%7Bnope', 'filter=%5B%5D']) {
      const response = await alice.call('GET', `/rooms/${r}/messages?${query}`);
      expect(response.status, query).toBe(400);
    }
    const stranger = await bob.call('GET', `/rooms/${r}/messages`);
    expect(stranger.status).toBe(403);
    expect((stranger.body as { errcode: string }).errcode).toBe('M_FORBIDDEN');
    expect((await alice.call('GET', `/rooms/${enc('!unknown:x')}/messages`)).status).toBe(403);
  });
});

describe('/context', () => {
  it('returns events around one event, with tokens that continue pagination', async () => {
    const roomId = await createRoom({ preset: 'private_chat', room_version: '11' });
    const sent = await sendNumbered(roomId, 10);
    const middle = sent[5] as string;
    const context = expectStatus<{
      event: ClientEvent;
      events_before: ClientEvent[];
      events_after: ClientEvent[];
      start: string;
      end: string;
      state: ClientEvent[];
    }>(await alice.call('GET', `/rooms/${enc(roomId)}/context/${enc(middle)}?limit=4`), 200);
    expect(context.event.event_id).toBe(middle);
    expect(context.events_before.map((e) => e.event_id)).toEqual([sent[4], sent[3]]);
    expect(context.events_after.map((e) => e.event_id)).toEqual([sent[6], sent[7]]);
    expect(context.state.map((e) => e.type)).toContain('m.room.create');
    const next = expectStatus<Page>(
      await alice.call(
        'GET',
        `/rooms/${enc(roomId)}/messages?dir=f&limit=2&from=${enc(context.end)}`,
      ),
      200,
    );
    expect(next.chunk.map((e) => e.event_id)).toEqual([sent[8], sent[9]]);
    const previous = expectStatus<Page>(
      await alice.call(
        'GET',
        `/rooms/${enc(roomId)}/messages?dir=b&limit=1&from=${enc(context.start)}`,
      ),
      200,
    );
    expect(previous.chunk.map((e) => e.event_id)).toEqual([sent[2]]);
    expect(
      (await alice.call('GET', `/rooms/${enc(roomId)}/context/${enc('$missing')}`)).status,
    ).toBe(404);
  });
});

describe('history visibility', () => {
  it('joined: a later joiner sees nothing from before their join', async () => {
    const roomId = await createRoom({
      preset: 'public_chat',
      initial_state: [
        { type: 'm.room.history_visibility', content: { history_visibility: 'joined' } },
      ],
    });
    const before = await sendNumbered(roomId, 3);
    expectStatus(await bob.call('POST', `/join/${enc(roomId)}`, {}), 200);
    const after = await sendNumbered(roomId, 2);
    const seen = await paginate(bob, roomId, 'b', 50);
    for (const id of before) expect(seen).not.toContain(id);
    expect(seen.slice(0, 2)).toEqual([...after].reverse());
    const hidden = await bob.call('GET', `/rooms/${enc(roomId)}/event/${enc(before[0] as string)}`);
    expect(hidden.status).toBe(404);
    const hiddenContext = await bob.call(
      'GET',
      `/rooms/${enc(roomId)}/context/${enc(before[0] as string)}`,
    );
    expect(hiddenContext.status).toBe(404);
  });

  it('shared: a later joiner sees earlier history; after leaving, nothing newer', async () => {
    const roomId = await createRoom({ preset: 'public_chat' });
    const before = await sendNumbered(roomId, 2);
    expectStatus(await bob.call('POST', `/join/${enc(roomId)}`, {}), 200);
    expectStatus(await bob.call('POST', `/rooms/${enc(roomId)}/leave`, {}), 200);
    const later = await sendNumbered(roomId, 2);
    const seen = await paginate(bob, roomId, 'b', 50);
    for (const id of before) expect(seen).toContain(id);
    for (const id of later) expect(seen).not.toContain(id);
    expect(
      (await bob.call('GET', `/rooms/${enc(roomId)}/event/${enc(later[0] as string)}`)).status,
    ).toBe(404);
  });

  it('world_readable: a non-member can read messages', async () => {
    const roomId = await createRoom({
      preset: 'public_chat',
      initial_state: [
        { type: 'm.room.history_visibility', content: { history_visibility: 'world_readable' } },
      ],
    });
    const sent = await sendNumbered(roomId, 1);
    const page = expectStatus<Page>(
      await bob.call('GET', `/rooms/${enc(roomId)}/messages?limit=1`),
      200,
    );
    expect(page.chunk.map((e) => e.event_id)).toEqual(sent);
  });
});
