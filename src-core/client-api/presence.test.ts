/**
 * Presence on one server: PUT/GET /presence/{userId}/status, /sync's presence section limited to
 * users sharing a room, set_presence on /sync, and no-op changes staying silent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { enc, expectStatus, registerUser } from '../testing/matrix-test-client';
import type { TestUser } from '../testing/matrix-test-client';
import { startTestHomeserver } from '../testing/test-homeserver';

interface PresenceSync {
  next_batch: string;
  presence: { events: { type: string; sender: string; content: Record<string, unknown> }[] };
}

let server: Homeserver;
let alice: TestUser;
let carol: TestUser;
let dave: TestUser;

const senders = (body: PresenceSync) => body.presence.events.map((e) => e.sender).sort();

beforeAll(async () => {
  server = await startTestHomeserver();
  [alice, carol, dave] = await Promise.all([
    registerUser(server, 'alice'),
    registerUser(server, 'carol'),
    registerUser(server, 'dave'),
  ]);
  const roomId = expectStatus<{ room_id: string }>(
    await alice.call('POST', '/createRoom', { preset: 'public_chat' }),
    200,
  ).room_id;
  expectStatus(await carol.call('POST', `/rooms/${enc(roomId)}/join`, {}), 200);
});

afterAll(async () => {
  await server?.stop();
});

describe('presence', () => {
  it('sets your own presence, shows it to room mates and yourself, not to strangers', async () => {
    const carolSince = expectStatus<PresenceSync>(await carol.call('GET', '/sync'), 200).next_batch;
    const daveSince = expectStatus<PresenceSync>(await dave.call('GET', '/sync'), 200).next_batch;
    expectStatus(
      await alice.call('PUT', `/presence/${enc(alice.userId)}/status`, {
        presence: 'unavailable',
        status_msg: 'in a meeting',
      }),
      200,
    );
    const atCarol = expectStatus<PresenceSync>(
      await carol.call('GET', `/sync?since=${enc(carolSince)}&timeout=2000`),
      200,
    );
    expect(atCarol.presence.events).toEqual([
      {
        type: 'm.presence',
        sender: alice.userId,
        content: expect.objectContaining({ presence: 'unavailable', status_msg: 'in a meeting' }),
      },
    ]);
    const atDave = expectStatus<PresenceSync>(
      await dave.call('GET', `/sync?since=${enc(daveSince)}&timeout=0`),
      200,
    );
    expect(atDave.presence.events).toEqual([]);
    // An initial sync sends the current presence of everyone sharing a room, self included.
    expect(senders(expectStatus<PresenceSync>(await alice.call('GET', '/sync'), 200))).toEqual([
      alice.userId,
    ]);
    expect(
      expectStatus(await carol.call('GET', `/presence/${enc(alice.userId)}/status`), 200),
    ).toMatchObject({ presence: 'unavailable', status_msg: 'in a meeting' });
    expectStatus(await dave.call('GET', `/presence/${enc(alice.userId)}/status`), 403);
  });

  it('refuses setting someone else’s presence and unknown states', async () => {
    expectStatus(
      await carol.call('PUT', `/presence/${enc(alice.userId)}/status`, { presence: 'online' }),
      403,
    );
    const bad = expectStatus<{ errcode: string }>(
      await alice.call('PUT', `/presence/${enc(alice.userId)}/status`, { presence: 'dancing' }),
      400,
    );
    expect(bad.errcode).toBe('M_BAD_JSON');
  });

  it('set_presence on /sync changes presence once; repeating it changes nothing', async () => {
    const since = expectStatus<PresenceSync>(await carol.call('GET', '/sync'), 200).next_batch;
    expectStatus(await alice.call('GET', '/sync?set_presence=online'), 200);
    const first = expectStatus<PresenceSync>(
      await carol.call('GET', `/sync?since=${enc(since)}&timeout=2000`),
      200,
    );
    expect(first.presence.events.map((e) => e.content['presence'])).toEqual(['online']);
    // The status message survives a change that does not mention it.
    expect(first.presence.events[0]?.content['status_msg']).toBe('in a meeting');
    expectStatus(await alice.call('GET', '/sync?set_presence=online'), 200);
    const second = expectStatus<PresenceSync>(
      await carol.call('GET', `/sync?since=${enc(first.next_batch)}&timeout=0`),
      200,
    );
    expect(second.presence.events).toEqual([]);
    // An explicit null clears it.
    expectStatus(
      await alice.call('PUT', `/presence/${enc(alice.userId)}/status`, {
        presence: 'online',
        status_msg: null,
      }),
      200,
    );
    expect(server.context.sync.presence.get(alice.userId)?.statusMsg).toBeNull();
  });
});
