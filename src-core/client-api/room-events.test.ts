/** Sending, state, redaction and single-event reads over HTTPS. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { startTestHomeserver } from '../testing/test-homeserver';
import {
  callApi,
  enc,
  expectStatus,
  loginAgain,
  registerUser,
} from '../testing/matrix-test-client';
import type { TestUser } from '../testing/matrix-test-client';

let server: Homeserver;
let alice: TestUser;
let bob: TestUser;
let roomId: string;
let r: string;

interface ClientEvent {
  event_id: string;
  type: string;
  content: Record<string, unknown>;
  unsigned: Record<string, unknown>;
}

beforeAll(async () => {
  server = await startTestHomeserver();
  alice = await registerUser(server, 'alice');
  bob = await registerUser(server, 'bob');
  roomId = expectStatus<{ room_id: string }>(
    await alice.call('POST', '/createRoom', { preset: 'public_chat', room_version: '11' }),
    200,
  ).room_id;
  r = enc(roomId);
  expectStatus(await bob.call('POST', `/join/${r}`, {}), 200);
});
afterAll(() => server.stop());

function countEvents(type: string): number {
  const row = server.context.database.sqlite
    .prepare('SELECT count(*) AS n FROM events WHERE room_id = ? AND type = ?')
    .get(roomId, type) as { n: number };
  return row.n;
}

describe('PUT /send', () => {
  it('is idempotent per device and transaction ID, showing transaction_id to that device only', async () => {
    const body = { msgtype: 'm.text', body: 'once' };
    const first = expectStatus<{ event_id: string }>(
      await alice.call('PUT', `/rooms/${r}/send/org.example.once/txn1`, body),
      200,
    );
    const retry = expectStatus<{ event_id: string }>(
      await alice.call('PUT', `/rooms/${r}/send/org.example.once/txn1`, body),
      200,
    );
    expect(retry.event_id).toBe(first.event_id);
    expect(countEvents('org.example.once')).toBe(1);

    const own = expectStatus<ClientEvent>(
      await alice.call('GET', `/rooms/${r}/event/${enc(first.event_id)}`),
      200,
    );
    expect(own.unsigned['transaction_id']).toBe('txn1');
    const otherDevice = await loginAgain(server, alice);
    const seenElsewhere = expectStatus<ClientEvent>(
      await otherDevice.call('GET', `/rooms/${r}/event/${enc(first.event_id)}`),
      200,
    );
    expect(seenElsewhere.unsigned['transaction_id']).toBeUndefined();
    // The same txnId from another device is another transaction.
    const second = expectStatus<{ event_id: string }>(
      await otherDevice.call('PUT', `/rooms/${r}/send/org.example.once/txn1`, body),
      200,
    );
    expect(second.event_id).not.toBe(first.event_id);
    expect(countEvents('org.example.once')).toBe(2);
  });

  it('refuses non-members with 403 M_FORBIDDEN, bad bodies with 400, unknown rooms with 403', async () => {
    const carol = await registerUser(server, 'carol');
    const stranger = await carol.call('PUT', `/rooms/${r}/send/m.room.message/t1`, { body: 'hi' });
    expect(stranger.status).toBe(403);
    expect((stranger.body as { errcode: string }).errcode).toBe('M_FORBIDDEN');
    const unknown = await alice.call(
      'PUT',
      `/rooms/${enc('!nope:elsewhere')}/send/m.room.message/t2`,
      {},
    );
    expect(unknown.status).toBe(403);
    const array = await callApi(server, 'PUT', `/rooms/${r}/send/m.room.message/t3`, {
      token: alice.accessToken,
      rawBody: '[]',
    });
    expect(array.status).toBe(400);
    expect((array.body as { errcode: string }).errcode).toBe('M_BAD_JSON');
    const badRoom = await alice.call('PUT', `/rooms/not-a-room/send/m.room.message/t4`, {});
    expect(badRoom.status).toBe(400);
  });
});

describe('state', () => {
  it('puts and gets state with and without a state key, deduplicating identical content', async () => {
    const put = expectStatus<{ event_id: string }>(
      await alice.call('PUT', `/rooms/${r}/state/m.room.topic`, { topic: 'new topic' }),
      200,
    );
    expect(expectStatus(await bob.call('GET', `/rooms/${r}/state/m.room.topic`), 200)).toEqual({
      topic: 'new topic',
    });
    expect(expectStatus(await bob.call('GET', `/rooms/${r}/state/m.room.topic/`), 200)).toEqual({
      topic: 'new topic',
    });
    const again = expectStatus<{ event_id: string }>(
      await alice.call('PUT', `/rooms/${r}/state/m.room.topic/`, { topic: 'new topic' }),
      200,
    );
    expect(again.event_id).toBe(put.event_id);

    expectStatus(await alice.call('PUT', `/rooms/${r}/state/org.example.s/a%2Fb`, { v: 1 }), 200);
    expect(
      expectStatus(await bob.call('GET', `/rooms/${r}/state/org.example.s/a%2Fb`), 200),
    ).toEqual({
      v: 1,
    });
    const full = expectStatus<ClientEvent>(
      await bob.call('GET', `/rooms/${r}/state/org.example.s/a%2Fb?format=event`),
      200,
    );
    expect(full.type).toBe('org.example.s');

    const missing = await bob.call('GET', `/rooms/${r}/state/org.example.none/x`);
    expect(missing.status).toBe(404);
    expect((missing.body as { errcode: string }).errcode).toBe('M_NOT_FOUND');

    // Bob (power 0) may not change the topic (state_default 50).
    const refused = await bob.call('PUT', `/rooms/${r}/state/m.room.topic`, { topic: 'mine' });
    expect(refused.status).toBe(403);
    expect((refused.body as { errcode: string }).errcode).toBe('M_FORBIDDEN');

    const all = expectStatus<ClientEvent[]>(await bob.call('GET', `/rooms/${r}/state`), 200);
    expect(all.map((e) => e.type)).toContain('m.room.create');
    const topic = all.find((e) => e.type === 'm.room.topic');
    expect(topic?.content).toEqual({ topic: 'new topic' });
  });
});

describe('redaction', () => {
  it('hides content in /event and /messages and names the redaction', async () => {
    const sent = expectStatus<{ event_id: string }>(
      await bob.call('PUT', `/rooms/${r}/send/m.room.message/secret`, {
        msgtype: 'm.text',
        body: 'oops',
      }),
      200,
    );
    const redaction = expectStatus<{ event_id: string }>(
      await bob.call('PUT', `/rooms/${r}/redact/${enc(sent.event_id)}/r1`, { reason: 'typo' }),
      200,
    );
    const retry = expectStatus<{ event_id: string }>(
      await bob.call('PUT', `/rooms/${r}/redact/${enc(sent.event_id)}/r1`, { reason: 'typo' }),
      200,
    );
    expect(retry.event_id).toBe(redaction.event_id);
    const event = expectStatus<ClientEvent>(
      await alice.call('GET', `/rooms/${r}/event/${enc(sent.event_id)}`),
      200,
    );
    expect(event.content).toEqual({});
    expect((event.unsigned['redacted_because'] as { event_id: string }).event_id).toBe(
      redaction.event_id,
    );
    const page = expectStatus<{ chunk: ClientEvent[] }>(
      await alice.call('GET', `/rooms/${r}/messages?dir=b&limit=5`),
      200,
    );
    const inPage = page.chunk.find((e) => e.event_id === sent.event_id);
    expect(inPage?.content).toEqual({});
    const redactionEvent = page.chunk.find((e) => e.event_id === redaction.event_id);
    expect(redactionEvent?.content).toMatchObject({ redacts: sent.event_id, reason: 'typo' });
  });

  it("refuses to redact another user's event without the redact power level", async () => {
    const sent = expectStatus<{ event_id: string }>(
      await alice.call('PUT', `/rooms/${r}/send/m.room.message/keep`, {
        msgtype: 'm.text',
        body: 'mine',
      }),
      200,
    );
    const refused = await bob.call('PUT', `/rooms/${r}/redact/${enc(sent.event_id)}/r2`, {});
    expect(refused.status).toBe(403);
    const event = expectStatus<ClientEvent>(
      await alice.call('GET', `/rooms/${r}/event/${enc(sent.event_id)}`),
      200,
    );
    expect(event.content['body']).toBe('mine');
  });
});

describe('GET /event', () => {
  it('answers 404 for unknown events and events of other rooms', async () => {
    const unknown = await alice.call('GET', `/rooms/${r}/event/${enc('$unknown')}`);
    expect(unknown.status).toBe(404);
    expect((unknown.body as { errcode: string }).errcode).toBe('M_NOT_FOUND');
    const other = expectStatus<{ room_id: string }>(
      await alice.call('POST', '/createRoom', {}),
      200,
    );
    const sent = expectStatus<{ event_id: string }>(
      await alice.call('PUT', `/rooms/${enc(other.room_id)}/send/m.room.message/x`, { body: 'x' }),
      200,
    );
    expect((await alice.call('GET', `/rooms/${r}/event/${enc(sent.event_id)}`)).status).toBe(404);
    // Bob is not in the other room: its private events are not revealed.
    expect(
      (await bob.call('GET', `/rooms/${enc(other.room_id)}/event/${enc(sent.event_id)}`)).status,
    ).toBe(404);
  });
});
