/**
 * EDUs and the client API while a room is partial-stated, between two real Skein servers: A hosts
 * the room, B partially joins it with its resync paused. Typing, receipts, to-device and presence
 * flow during the resync; a device-list update from A shows on B only once the resync ends;
 * /members and friends wait for the full state and then answer with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import type { JsonResponse } from '../testing/https-request';
import { enc, expectStatus, registerUser } from '../testing/matrix-test-client';
import type { TestUser } from '../testing/matrix-test-client';
import { startTestHomeserver } from '../testing/test-homeserver';
import { toDeviceEdu } from './outbound-to-device';

interface SyncBody {
  next_batch: string;
  presence: { events: { sender: string; content: Record<string, unknown> }[] };
  to_device: { events: { sender: string; type: string; content: Record<string, unknown> }[] };
  device_lists: { changed: string[]; left: string[] };
  rooms: {
    join: Record<
      string,
      {
        timeline: { events: { event_id: string; sender: string; type: string }[] };
        state: { events: { type: string; state_key: string; event_id: string }[] };
        ephemeral: { events: { type: string; content: Record<string, unknown> }[] };
      }
    >;
  };
}

const LAZY = JSON.stringify({ room: { state: { lazy_load_members: true } } });

let a: Homeserver;
let b: Homeserver;
let alice: TestUser;
let bob: TestUser;
let roomId: string;
const members: TestUser[] = [];
/** Alice's message sent after B joined (so it is in B's timeline). */
let messageId: string;

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function sync(user: TestUser, since?: string, timeoutMs = 0): Promise<SyncBody> {
  const query = [`filter=${enc(LAZY)}`, `timeout=${timeoutMs}`];
  if (since !== undefined) query.push(`since=${enc(since)}`);
  return expectStatus<SyncBody>(await user.call('GET', `/sync?${query.join('&')}`), 200);
}

/** Incremental lazy syncs from `since` until one response satisfies `check`. */
async function syncUntil(
  user: TestUser,
  since: string,
  what: string,
  check: (body: SyncBody) => boolean,
): Promise<SyncBody> {
  const deadline = Date.now() + 8_000;
  let token = since;
  for (;;) {
    const body = await sync(user, token, 1_000);
    if (check(body)) return body;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    token = body.next_batch;
  }
}

const ephemeralOf = (body: SyncBody, type: string) =>
  body.rooms.join[roomId]?.ephemeral.events.find((event) => event.type === type);

const isPartial = (): boolean => b.context.rooms.partialState.isPartialRoom(roomId);

/** Resolves to the response, and records when it settled. */
function tracked(request: Promise<JsonResponse>): {
  settled: () => boolean;
  response: Promise<JsonResponse>;
} {
  let done = false;
  const response = request.finally(() => {
    done = true;
  });
  return { settled: () => done, response };
}

const queueDrained = (server: Homeserver): boolean =>
  server.context.federation.outboundQueue.status().every((d) => d.queued === 0);

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
      name: 'EDUs during resync',
    }),
    200,
  ).room_id;
  // Members the partial join omits (the room has a name, so there are no heroes either).
  for (let i = 0; i < 3; i++) {
    const member = await registerUser(a, `member${i}`);
    expectStatus(await member.call('POST', `/rooms/${enc(roomId)}/join`, {}), 200);
    members.push(member);
  }
  expectStatus(
    await bob.call('POST', `/join/${enc(roomId)}?server_name=${enc(a.config.serverName)}`, {}),
    200,
  );
  await waitFor('the paused resync', () => b.context.resync.progress(roomId)?.phase === 'paused');
  messageId = expectStatus<{ event_id: string }>(
    await alice.call('PUT', `/rooms/${enc(roomId)}/send/m.room.message/after-join`, {
      msgtype: 'm.text',
      body: 'hello B',
    }),
    200,
  ).event_id;
  await waitFor(
    'B to receive the message',
    () => b.context.rooms.eventStore.getMeta(messageId) !== undefined,
  );
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('while B’s room is partial-stated', () => {
  it('answers non-member state and local members at once', async () => {
    expect(isPartial()).toBe(true);
    const name = expectStatus<{ name: string }>(
      await bob.call('GET', `/rooms/${enc(roomId)}/state/m.room.name`),
      200,
    );
    expect(name.name).toBe('EDUs during resync');
    const own = expectStatus<{ membership: string }>(
      await bob.call('GET', `/rooms/${enc(roomId)}/state/m.room.member/${enc(bob.userId)}`),
      200,
    );
    expect(own.membership).toBe('join');
  });

  it('lazy-loading /sync includes the room and fills senders’ memberships from auth events', async () => {
    // Alice's membership is not in the partial state B holds.
    expect(b.context.rooms.currentState.membershipOf(roomId, alice.userId)).toBeUndefined();
    const body = await sync(bob);
    const room = body.rooms.join[roomId];
    expect(room).toBeDefined();
    expect(room?.timeline.events.map((e) => e.event_id)).toContain(messageId);
    const memberKeys = room?.state.events
      .filter((e) => e.type === 'm.room.member')
      .map((e) => e.state_key);
    expect(memberKeys).toContain(alice.userId);
    // The member event sent is the one Alice's message cites as its auth event.
    const aliceMember = room?.state.events.find(
      (e) => e.type === 'm.room.member' && e.state_key === alice.userId,
    );
    const message = b.context.rooms.eventStore.getEvent(messageId);
    expect(message?.authEventIds).toContain(aliceMember?.event_id);
    // An eager sync still leaves the partial room out.
    const eager = expectStatus<SyncBody>(await bob.call('GET', '/sync'), 200);
    expect(eager.rooms.join[roomId]).toBeUndefined();
  });

  it('delivers typing both ways', async () => {
    const bobSince = (await sync(bob)).next_batch;
    const aliceSince = (await sync(alice)).next_batch;
    expectStatus(
      await alice.call('PUT', `/rooms/${enc(roomId)}/typing/${enc(alice.userId)}`, {
        typing: true,
        timeout: 20_000,
      }),
      200,
    );
    const atB = await syncUntil(bob, bobSince, 'alice typing on B', (body) =>
      ((ephemeralOf(body, 'm.typing')?.content['user_ids'] as string[]) ?? []).includes(
        alice.userId,
      ),
    );
    expect(ephemeralOf(atB, 'm.typing')?.content).toEqual({ user_ids: [alice.userId] });

    expectStatus(
      await bob.call('PUT', `/rooms/${enc(roomId)}/typing/${enc(bob.userId)}`, {
        typing: true,
        timeout: 20_000,
      }),
      200,
    );
    const atA = await syncUntil(alice, aliceSince, 'bob typing on A', (body) =>
      ((ephemeralOf(body, 'm.typing')?.content['user_ids'] as string[]) ?? []).includes(bob.userId),
    );
    expect(ephemeralOf(atA, 'm.typing')?.content['user_ids']).toContain(bob.userId);
    expect(isPartial()).toBe(true);
  });

  it('delivers read receipts both ways', async () => {
    const bobSince = (await sync(bob)).next_batch;
    const aliceSince = (await sync(alice)).next_batch;
    expectStatus(
      await alice.call('POST', `/rooms/${enc(roomId)}/receipt/m.read/${enc(messageId)}`, {}),
      200,
    );
    const atB = await syncUntil(bob, bobSince, 'alice’s receipt on B', (body) =>
      Boolean(ephemeralOf(body, 'm.receipt')),
    );
    const onB = ephemeralOf(atB, 'm.receipt')?.content as Record<
      string,
      Record<string, Record<string, { ts: number }>>
    >;
    expect(Object.keys(onB[messageId]?.['m.read'] ?? {})).toEqual([alice.userId]);
    expect(typeof onB[messageId]?.['m.read']?.[alice.userId]?.ts).toBe('number');

    expectStatus(
      await bob.call('POST', `/rooms/${enc(roomId)}/receipt/m.read/${enc(messageId)}`, {}),
      200,
    );
    const atA = await syncUntil(alice, aliceSince, 'bob’s receipt on A', (body) => {
      const content = ephemeralOf(body, 'm.receipt')?.content as
        Record<string, Record<string, Record<string, unknown>>> | undefined;
      return content?.[messageId]?.['m.read']?.[bob.userId] !== undefined;
    });
    expect(ephemeralOf(atA, 'm.receipt')).toBeDefined();
    expect(isPartial()).toBe(true);
  });

  it('delivers a to-device message exactly once, even when the transaction is repeated', async () => {
    const since = (await sync(bob)).next_batch;
    expectStatus(
      await alice.call('PUT', '/sendToDevice/org.example.ping/txn1', {
        messages: { [bob.userId]: { [bob.deviceId]: { n: 1 } } },
      }),
      200,
    );
    const first = await syncUntil(
      bob,
      since,
      'the to-device message',
      (body) => body.to_device.events.length > 0,
    );
    expect(first.to_device.events).toEqual([
      { sender: alice.userId, type: 'org.example.ping', content: { n: 1 } },
    ]);
    // A resends the very same EDU in a new transaction (as after a lost 200).
    a.context.federation.outboundQueue.enqueueEdu(
      [b.config.serverName],
      toDeviceEdu({
        destination: b.config.serverName,
        sender: alice.userId,
        type: 'org.example.ping',
        messageId: `${alice.deviceId}:txn1`,
        messages: { [bob.userId]: { [bob.deviceId]: { n: 1 } } },
      }),
    );
    await waitFor('A to deliver the repeat', () => queueDrained(a));
    const after = await sync(bob, first.next_batch, 300);
    expect(after.to_device.events).toEqual([]);
    expect(isPartial()).toBe(true);
  });

  it('delivers presence from A’s user to B’s user (Synapse drops it: #13008)', async () => {
    const since = (await sync(bob)).next_batch;
    expectStatus(
      await alice.call('PUT', `/presence/${enc(alice.userId)}/status`, {
        presence: 'online',
        status_msg: 'resyncing',
      }),
      200,
    );
    const body = await syncUntil(bob, since, 'alice’s presence on B', (s) =>
      s.presence.events.some((e) => e.sender === alice.userId),
    );
    const event = body.presence.events.find((e) => e.sender === alice.userId);
    expect(event?.content).toMatchObject({
      presence: 'online',
      status_msg: 'resyncing',
      currently_active: true,
    });
    const viaApi = expectStatus<{ presence: string; status_msg: string }>(
      await bob.call('GET', `/presence/${enc(alice.userId)}/status`),
      200,
    );
    expect(viaApi).toMatchObject({ presence: 'online', status_msg: 'resyncing' });
    expect(isPartial()).toBe(true);
  });

  it('ignores malformed and forged EDUs without failing the transaction', async () => {
    const since = (await sync(bob)).next_batch;
    const typingBefore = b.context.sync.typing.typingIn(roomId).userIds;
    const mallory = '@mallory:third.example';
    a.context.federation.outboundQueue.enqueueEdu([b.config.serverName], {
      edu_type: 'm.typing',
      content: { room_id: roomId, user_id: 42, typing: true },
    });
    // A speaking for another server's user, and for a room it is not in.
    a.context.federation.outboundQueue.enqueueEdu([b.config.serverName], {
      edu_type: 'm.typing',
      content: { room_id: roomId, user_id: mallory, typing: true },
    });
    a.context.federation.outboundQueue.enqueueEdu([b.config.serverName], {
      edu_type: 'm.typing',
      content: {
        room_id: '!elsewhere:third.example',
        user_id: members[2]?.userId ?? '',
        typing: true,
      },
    });
    a.context.federation.outboundQueue.enqueueEdu([b.config.serverName], {
      edu_type: 'm.receipt',
      content: { [roomId]: { 'm.read': { [members[2]?.userId as string]: { event_ids: 'x' } } } },
    });
    a.context.federation.outboundQueue.enqueueEdu([b.config.serverName], {
      edu_type: 'm.presence',
      content: {
        push: [
          { user_id: mallory, presence: 'online' },
          { user_id: members[2]?.userId ?? '', presence: 'dancing' },
        ],
      },
    });
    a.context.federation.outboundQueue.enqueueEdu([b.config.serverName], {
      edu_type: 'm.direct_to_device',
      content: {
        sender: mallory,
        type: 'org.example.forged',
        message_id: 'forged-1',
        messages: { [bob.userId]: { '*': { forged: true } } },
      },
    });
    // The one valid EDU of the batch still lands.
    a.context.federation.outboundQueue.enqueueEdu([b.config.serverName], {
      edu_type: 'm.direct_to_device',
      content: {
        sender: members[2]?.userId ?? '',
        type: 'org.example.valid',
        message_id: 'valid-1',
        messages: { [bob.userId]: { '*': { ok: true } } },
      },
    });
    await waitFor('A to deliver the batch', () => queueDrained(a));
    expect(
      a.context.federation.outboundQueue.status().find((d) => d.destination === b.config.serverName)
        ?.failures ?? 0,
    ).toBe(0);
    const body = await syncUntil(
      bob,
      since,
      'the valid to-device message',
      (s) => s.to_device.events.length > 0,
    );
    expect(body.to_device.events).toEqual([
      { sender: members[2]?.userId, type: 'org.example.valid', content: { ok: true } },
    ]);
    expect(b.context.sync.typing.typingIn(roomId).userIds).toEqual(typingBefore);
    expect(b.context.sync.presence.get(mallory)).toBeUndefined();
    expect(b.context.sync.presence.get(members[2]?.userId as string)).toBeUndefined();
  });

  it('holds a device-list update back, and blocks /members and friends until the resync ends', async () => {
    const member0 = members[0]?.userId as string;
    const member1 = members[1]?.userId as string;
    const since = (await sync(bob)).next_batch;
    a.context.federation.outboundQueue.enqueueEdu([b.config.serverName], {
      edu_type: 'm.device_list_update',
      content: { user_id: member0, device_id: 'NEWDEVICE', stream_id: 1, prev_id: [] },
    });
    await waitFor('A to deliver the update', () => queueDrained(a));
    const pending = b.context.database.sqlite
      .prepare('SELECT user_id FROM device_lists_pending')
      .all() as { user_id: string }[];
    expect(pending.map((row) => row.user_id)).toEqual([member0]);
    expect((await sync(bob, since)).device_lists.changed).not.toContain(member0);

    const path = `/rooms/${enc(roomId)}`;
    const waiting = {
      members: tracked(bob.call('GET', `${path}/members`)),
      joined: tracked(bob.call('GET', `${path}/joined_members`)),
      state: tracked(bob.call('GET', `${path}/state`)),
      remoteMember: tracked(bob.call('GET', `${path}/state/m.room.member/${enc(member0)}`)),
    };
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const request of Object.values(waiting)) expect(request.settled()).toBe(false);
    // Non-member state still answers while those wait.
    expectStatus(await bob.call('GET', `${path}/state/m.room.name`), 200);

    b.context.resync.get(roomId)?.resume();
    const everyone = [alice.userId, bob.userId, ...members.map((m) => m.userId)].sort();

    const chunk = expectStatus<{ chunk: { state_key: string; content: { membership: string } }[] }>(
      await waiting.members.response,
      200,
    ).chunk;
    expect(isPartial()).toBe(false);
    expect(
      chunk
        .filter((e) => e.content.membership === 'join')
        .map((e) => e.state_key)
        .sort(),
    ).toEqual(everyone);
    const joined = expectStatus<{ joined: Record<string, unknown> }>(
      await waiting.joined.response,
      200,
    ).joined;
    expect(Object.keys(joined).sort()).toEqual(everyone);
    const state = expectStatus<{ type: string; state_key: string }[]>(
      await waiting.state.response,
      200,
    );
    expect(
      state
        .filter((e) => e.type === 'm.room.member')
        .map((e) => e.state_key)
        .sort(),
    ).toEqual(everyone);
    expect(
      expectStatus<{ membership: string }>(await waiting.remoteMember.response, 200).membership,
    ).toBe('join');

    // The held-back update now shows, for the member it was about only.
    const changed = (
      await syncUntil(bob, since, 'the replayed device-list change', (body) =>
        body.device_lists.changed.includes(member0),
      )
    ).device_lists.changed;
    expect(changed).toContain(member0);
    expect(changed).not.toContain(member1);
    const left = b.context.database.sqlite
      .prepare('SELECT count(*) AS n FROM device_lists_pending')
      .get() as { n: number };
    expect(left.n).toBe(0);
  });
});
