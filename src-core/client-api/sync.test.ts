/**
 * /sync over real HTTPS against an in-process homeserver: shapes, incremental windows,
 * long-polling, filters, lazy-loaded members, typing, receipts, to-device, partial-state rooms,
 * restarts and bad parameters. Rooms are created and written through `context.rooms`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { getRoomVersion } from '../rules/room-versions';
import { parseSyncToken } from '../sync/sync-token';
import { requestJson } from '../testing/https-request';
import type { JsonResponse } from '../testing/https-request';
import { startTestHomeserver } from '../testing/test-homeserver';

const V3 = '/_matrix/client/v3';

interface User {
  userId: string;
  token: string;
  deviceId: string;
}

interface SyncBody {
  next_batch: string;
  account_data: { events: { type: string }[] };
  presence: { events: unknown[] };
  to_device: { events: { sender: string; type: string; content: Record<string, unknown> }[] };
  device_lists: { changed: string[]; left: string[] };
  device_one_time_keys_count: Record<string, number>;
  rooms: {
    join: Record<string, JoinedRoom>;
    invite: Record<string, { invite_state: { events: { type: string }[] } }>;
    leave: Record<string, unknown>;
  };
}

interface ClientEvent {
  event_id: string;
  type: string;
  sender: string;
  state_key?: string;
  content: Record<string, unknown>;
  unsigned?: Record<string, unknown>;
}

interface JoinedRoom {
  timeline: { events: ClientEvent[]; limited: boolean; prev_batch: string };
  state: { events: ClientEvent[] };
  ephemeral: { events: { type: string; content: Record<string, unknown> }[] };
  account_data: { events: { type: string; content: Record<string, unknown> }[] };
  summary: Record<string, unknown>;
  unread_notifications: Record<string, number>;
}

function call(
  server: Homeserver,
  method: string,
  urlPath: string,
  options: { body?: unknown; token?: string } = {},
): Promise<JsonResponse> {
  return requestJson(server.baseUrl + urlPath, {
    method,
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.token === undefined
      ? {}
      : { headers: { authorization: `Bearer ${options.token}` } }),
  });
}

async function register(server: Homeserver, username: string): Promise<User> {
  const response = await call(server, 'POST', `${V3}/register`, {
    body: { username, password: 'pw', auth: { type: 'm.login.dummy' } },
  });
  expect(response.status, response.text).toBe(200);
  const body = response.body as { user_id: string; access_token: string; device_id: string };
  return { userId: body.user_id, token: body.access_token, deviceId: body.device_id };
}

async function sync(
  server: Homeserver,
  user: User,
  params: Record<string, string> = {},
): Promise<SyncBody> {
  const response = await syncRaw(server, user, params);
  expect(response.status, response.text).toBe(200);
  return response.body as SyncBody;
}

function syncRaw(
  server: Homeserver,
  user: User,
  params: Record<string, string> = {},
): Promise<JsonResponse> {
  const query = new URLSearchParams(params).toString();
  return call(server, 'GET', `${V3}/sync${query ? `?${query}` : ''}`, { token: user.token });
}

function createRoom(server: Homeserver, creator: User, name: string): string {
  return server.context.rooms.creator.create({
    creator: creator.userId,
    version: getRoomVersion('11'),
    preset: 'public_chat',
    name,
    invite: [],
    initialState: [],
    creationContent: {},
    powerLevelContentOverride: undefined,
    isDirect: false,
  });
}

function join(server: Homeserver, roomId: string, user: User): void {
  server.context.rooms.sender.send({
    roomId,
    type: 'm.room.member',
    stateKey: user.userId,
    sender: user.userId,
    content: { membership: 'join' },
  });
}

function say(server: Homeserver, roomId: string, user: User, body: string): string {
  return server.context.rooms.sender.send({
    roomId,
    type: 'm.room.message',
    sender: user.userId,
    content: { msgtype: 'm.text', body },
  }).event.eventId;
}

const bodies = (room: JoinedRoom | undefined): unknown[] =>
  (room?.timeline.events ?? [])
    .filter((e) => e.type === 'm.room.message')
    .map((e) => e.content['body']);

const errcode = (response: JsonResponse): unknown =>
  (response.body as { errcode?: unknown } | undefined)?.errcode;

describe('/sync', () => {
  let server: Homeserver;
  let alice: User;
  let bob: User;
  let carol: User;
  beforeAll(async () => {
    server = await startTestHomeserver();
    alice = await register(server, 'alice');
    bob = await register(server, 'bob');
    carol = await register(server, 'carol');
  });
  afterAll(() => server.stop());

  it('initial sync has every section, the room with its timeline, summary and a token', async () => {
    const roomId = createRoom(server, alice, 'Shape');
    join(server, roomId, bob);
    const body = await sync(server, alice);
    expect(body.next_batch).toMatch(/^s\d+_\d+$/);
    expect(body.presence).toEqual({ events: [] });
    expect(body.to_device).toEqual({ events: [] });
    expect(body.device_lists).toEqual({ changed: [], left: [] });
    expect(body.device_one_time_keys_count).toEqual({});
    expect(body.rooms.invite).toEqual({});
    const room = body.rooms.join[roomId];
    expect(room).toBeDefined();
    const types = room?.timeline.events.map((e) => e.type);
    expect(types?.[0]).toBe('m.room.create');
    expect(types).toContain('m.room.name');
    expect(room?.timeline.limited).toBe(false);
    // Every state event is in the timeline, so the state section repeats none of them.
    expect(room?.state.events).toEqual([]);
    expect(room?.timeline.events[0]).not.toHaveProperty('room_id');
    expect(room?.summary).toEqual({
      'm.heroes': [bob.userId],
      'm.joined_member_count': 2,
      'm.invited_member_count': 0,
    });
    expect(room?.unread_notifications).toEqual({ highlight_count: 0, notification_count: 0 });
  });

  it('incremental sync returns only what is new; a limited timeline carries state and prev_batch', async () => {
    const roomId = createRoom(server, alice, 'Incremental');
    const first = await sync(server, alice);
    say(server, roomId, alice, 'one');
    const second = await sync(server, alice, { since: first.next_batch });
    expect(Object.keys(second.rooms.join)).toEqual([roomId]);
    expect(bodies(second.rooms.join[roomId])).toEqual(['one']);
    expect(second.rooms.join[roomId]?.timeline.limited).toBe(false);
    const idle = await sync(server, alice, { since: second.next_batch });
    expect(idle.rooms.join).toEqual({});
    expect(idle.next_batch).toBe(second.next_batch);

    const ids = ['a', 'b', 'c', 'd', 'e'].map((text) => say(server, roomId, alice, text));
    const filter = JSON.stringify({ room: { timeline: { limit: 2 } } });
    const limited = await sync(server, alice, { since: second.next_batch, filter });
    const room = limited.rooms.join[roomId];
    expect(bodies(room)).toEqual(['d', 'e']);
    expect(room?.timeline.limited).toBe(true);
    const dStream = server.context.rooms.eventStore.getMeta(ids[3] as string)?.streamOrdering;
    expect(parseSyncToken(room?.timeline.prev_batch ?? '').stream).toBe((dStream as number) - 1);
    // The state did not change in the gap, so an incremental limited sync sends none.
    expect(room?.state.events).toEqual([]);

    const initialLimited = await sync(server, alice, { filter });
    const initialRoom = initialLimited.rooms.join[roomId];
    expect(initialRoom?.timeline.limited).toBe(true);
    expect(initialRoom?.state.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['m.room.create', 'm.room.power_levels', 'm.room.member']),
    );
  });

  it('long-polls wake within ~100 ms of a message and time out with an empty response', async () => {
    const roomId = createRoom(server, alice, 'Long poll');
    const start = await sync(server, alice);
    const poll = sync(server, alice, { since: start.next_batch, timeout: '10000' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sentAt = performance.now();
    say(server, roomId, alice, 'wake up');
    const woken = await poll;
    expect(performance.now() - sentAt).toBeLessThan(150);
    expect(bodies(woken.rooms.join[roomId])).toEqual(['wake up']);

    const before = performance.now();
    const empty = await sync(server, alice, { since: woken.next_batch, timeout: '300' });
    const waited = performance.now() - before;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(2000);
    expect(empty.rooms.join).toEqual({});
    expect(empty.next_batch).toBe(woken.next_batch);
  });

  it('applies filters given by ID and inline', async () => {
    const roomId = createRoom(server, alice, 'Filters');
    join(server, roomId, bob);
    const start = await sync(server, alice);
    say(server, roomId, alice, 'from alice');
    say(server, roomId, bob, 'from bob');
    server.context.rooms.sender.send({
      roomId,
      type: 'm.room.topic',
      stateKey: '',
      sender: alice.userId,
      content: { topic: 'filtered out' },
    });
    const created = await call(
      server,
      'POST',
      `${V3}/user/${encodeURIComponent(alice.userId)}/filter`,
      {
        token: alice.token,
        body: { room: { timeline: { types: ['m.room.mess*'] } } },
      },
    );
    const filterId = (created.body as { filter_id: string }).filter_id;
    const byId = await sync(server, alice, { since: start.next_batch, filter: filterId });
    expect(byId.rooms.join[roomId]?.timeline.events.map((e) => e.type)).toEqual([
      'm.room.message',
      'm.room.message',
    ]);
    const inline = await sync(server, alice, {
      since: start.next_batch,
      filter: JSON.stringify({ room: { timeline: { not_senders: [bob.userId] } } }),
    });
    expect(inline.rooms.join[roomId]?.timeline.events.map((e) => e.sender)).toEqual([
      alice.userId,
      alice.userId,
    ]);
    const otherRooms = await sync(server, alice, {
      since: start.next_batch,
      filter: JSON.stringify({ room: { not_rooms: [roomId] } }),
    });
    expect(otherRooms.rooms.join[roomId]).toBeUndefined();
  });

  it('lazy-loads members: only timeline senders and the syncing user, once per device', async () => {
    const roomId = createRoom(server, alice, 'Lazy');
    join(server, roomId, bob);
    join(server, roomId, carol);
    for (let i = 0; i < 3; i++) say(server, roomId, bob, `bob ${i}`);
    const lazy = { room: { timeline: { limit: 2 }, state: { lazy_load_members: true } } };
    const members = (room: JoinedRoom | undefined): (string | undefined)[] =>
      (room?.state.events ?? [])
        .filter((e) => e.type === 'm.room.member')
        .map((e) => e.state_key)
        .sort();
    const initial = await sync(server, alice, { filter: JSON.stringify(lazy) });
    expect(members(initial.rooms.join[roomId])).toEqual([alice.userId, bob.userId]);
    expect(initial.rooms.join[roomId]?.state.events.map((e) => e.type)).toContain('m.room.create');
    const eager = await sync(server, alice, {
      filter: JSON.stringify({ room: { timeline: { limit: 2 } } }),
    });
    expect(members(eager.rooms.join[roomId])).toEqual(
      [alice.userId, bob.userId, carol.userId].sort(),
    );

    say(server, roomId, bob, 'again');
    const next = await sync(server, alice, {
      since: initial.next_batch,
      filter: JSON.stringify(lazy),
    });
    expect(members(next.rooms.join[roomId])).toEqual([]);
    say(server, roomId, carol, 'hello from carol');
    const redundant = {
      room: {
        timeline: { limit: 2 },
        state: { lazy_load_members: true, include_redundant_members: true },
      },
    };
    const withRedundant = await sync(server, alice, {
      since: next.next_batch,
      filter: JSON.stringify(redundant),
    });
    expect(members(withRedundant.rooms.join[roomId])).toEqual([alice.userId, carol.userId].sort());
  });

  it('delivers typing and receipts between two users; private receipts only to their owner', async () => {
    const roomId = createRoom(server, alice, 'Ephemeral');
    join(server, roomId, bob);
    const eventId = say(server, roomId, alice, 'read me');
    const start = await sync(server, alice);
    const poll = sync(server, alice, { since: start.next_batch, timeout: '5000' });
    const typingPath = `${V3}/rooms/${encodeURIComponent(roomId)}/typing/${encodeURIComponent(bob.userId)}`;
    const typed = await call(server, 'PUT', typingPath, {
      token: bob.token,
      body: { typing: true, timeout: 10000 },
    });
    expect(typed.status, typed.text).toBe(200);
    const woken = await poll;
    expect(woken.rooms.join[roomId]?.ephemeral.events).toEqual([
      { type: 'm.typing', content: { user_ids: [bob.userId] } },
    ]);
    const notSelf = await call(server, 'PUT', typingPath, {
      token: alice.token,
      body: { typing: true },
    });
    expect(notSelf.status).toBe(403);
    const notMember = await call(
      server,
      'PUT',
      `${V3}/rooms/${encodeURIComponent(roomId)}/typing/${encodeURIComponent(carol.userId)}`,
      { token: carol.token, body: { typing: true } },
    );
    expect(notMember.status).toBe(403);

    const outbound: unknown[] = [];
    const unsubscribe = server.context.sync.receipts.onLocalReceipt((r) =>
      outbound.push(r.receiptType),
    );
    const receiptPath = (type: string): string =>
      `${V3}/rooms/${encodeURIComponent(roomId)}/receipt/${type}/${encodeURIComponent(eventId)}`;
    expect(
      (await call(server, 'POST', receiptPath('m.read'), { token: bob.token, body: {} })).status,
    ).toBe(200);
    expect(
      (await call(server, 'POST', receiptPath('m.read.private'), { token: alice.token, body: {} }))
        .status,
    ).toBe(200);
    unsubscribe();
    expect(outbound).toEqual(['m.read']);
    const afterReceipts = await sync(server, alice, { since: woken.next_batch });
    const receipt = afterReceipts.rooms.join[roomId]?.ephemeral.events.find(
      (e) => e.type === 'm.receipt',
    );
    const content = receipt?.content[eventId] as Record<string, Record<string, { ts: number }>>;
    expect(Object.keys(content['m.read'] ?? {})).toEqual([bob.userId]);
    expect(Object.keys(content['m.read.private'] ?? {})).toEqual([alice.userId]);
    const bobView = await sync(server, bob, { since: woken.next_batch });
    const bobReceipt = bobView.rooms.join[roomId]?.ephemeral.events.find(
      (e) => e.type === 'm.receipt',
    );
    expect(Object.keys(bobReceipt?.content[eventId] ?? {})).toEqual(['m.read']);

    const markers = await call(
      server,
      'POST',
      `${V3}/rooms/${encodeURIComponent(roomId)}/read_markers`,
      {
        token: alice.token,
        body: { 'm.fully_read': eventId },
      },
    );
    expect(markers.status, markers.text).toBe(200);
    const afterMarkers = await sync(server, alice, { since: afterReceipts.next_batch });
    expect(afterMarkers.rooms.join[roomId]?.account_data.events).toEqual([
      { type: 'm.fully_read', content: { event_id: eventId } },
    ]);
    const badType = await call(server, 'POST', receiptPath('m.bogus'), {
      token: bob.token,
      body: {},
    });
    expect(badType.status).toBe(400);
  });

  it('delivers to-device messages until acknowledged, then never again', async () => {
    const start = await sync(server, bob);
    const sent = await call(server, 'PUT', `${V3}/sendToDevice/m.test/txn1`, {
      token: alice.token,
      body: { messages: { [bob.userId]: { [bob.deviceId]: { n: 1 } } } },
    });
    expect(sent.status, sent.text).toBe(200);
    // A retried transaction is not delivered twice.
    await call(server, 'PUT', `${V3}/sendToDevice/m.test/txn1`, {
      token: alice.token,
      body: { messages: { [bob.userId]: { [bob.deviceId]: { n: 1 } } } },
    });
    const first = await sync(server, bob, { since: start.next_batch });
    expect(first.to_device.events).toEqual([
      { sender: alice.userId, type: 'm.test', content: { n: 1 } },
    ]);
    // Not acknowledged yet: the same token gets it again.
    const retry = await sync(server, bob, { since: start.next_batch });
    expect(retry.to_device.events).toHaveLength(1);
    const acked = await sync(server, bob, { since: first.next_batch });
    expect(acked.to_device.events).toEqual([]);
    const old = await sync(server, bob, { since: start.next_batch });
    expect(old.to_device.events).toEqual([]);
  });

  it('hides partial-state rooms from eager syncs and sends them whole once un-partial-stated', async () => {
    const roomId = createRoom(server, alice, 'Partial');
    const db = server.context.database.sqlite;
    db.prepare('INSERT INTO partial_state_rooms (room_id) VALUES (?)').run(roomId);
    const eagerStart = await sync(server, alice);
    expect(eagerStart.rooms.join[roomId]).toBeUndefined();
    const lazyFilter = JSON.stringify({ room: { state: { lazy_load_members: true } } });
    const lazyStart = await sync(server, alice, { filter: lazyFilter });
    expect(lazyStart.rooms.join[roomId]).toBeDefined();

    for (let i = 0; i < 12; i++) say(server, roomId, alice, `while partial ${i}`);
    const eagerIdle = await sync(server, alice, { since: eagerStart.next_batch });
    expect(eagerIdle.rooms.join[roomId]).toBeUndefined();
    const lazyNext = await sync(server, alice, { since: lazyStart.next_batch, filter: lazyFilter });
    expect(bodies(lazyNext.rooms.join[roomId])).toHaveLength(10);

    const poll = sync(server, alice, { since: eagerIdle.next_batch, timeout: '5000' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    db.prepare('DELETE FROM partial_state_rooms WHERE room_id = ?').run(roomId);
    server.context.sync.notifier.notifyRoomUnPartialStated(roomId);
    const woken = await poll;
    const room = woken.rooms.join[roomId];
    expect(room?.timeline.limited).toBe(true);
    expect(room?.state.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['m.room.create', 'm.room.member', 'm.room.name']),
    );
    const after = await sync(server, alice, { since: woken.next_batch });
    expect(after.rooms.join[roomId]).toBeUndefined();
  });

  it('answers malformed parameters with 400, never 500', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ since: 'garbage' }, 'M_INVALID_PARAM'],
      [{ since: 's1' }, 'M_INVALID_PARAM'],
      [{ filter: '{not json' }, 'M_NOT_JSON'],
      [{ filter: '[1]' }, 'M_INVALID_PARAM'],
      [{ filter: '98765' }, 'M_INVALID_PARAM'],
      [{ filter: 'abc' }, 'M_INVALID_PARAM'],
      [{ filter: JSON.stringify({ room: { timeline: { limit: 'x' } } }) }, 'M_BAD_JSON'],
      [{ filter: JSON.stringify({ room: { rooms: 'nope' } }) }, 'M_BAD_JSON'],
      [{ timeout: 'soon' }, 'M_INVALID_PARAM'],
      [{ full_state: 'maybe' }, 'M_INVALID_PARAM'],
      [{ set_presence: 'busy' }, 'M_INVALID_PARAM'],
    ];
    for (const [params, code] of cases) {
      const response = await syncRaw(server, alice, params);
      expect(response.status, JSON.stringify(params)).toBe(400);
      expect(errcode(response), JSON.stringify(params)).toBe(code);
    }
    expect((await call(server, 'GET', `${V3}/sync`)).status).toBe(401);
  });
});

describe('/sync across restarts', () => {
  it('keeps tokens valid, and stopping the server ends waiting long-polls', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'skein-sync-restart-'));
    let server = await startTestHomeserver({ dataDir });
    const alice = await register(server, 'alice');
    const roomId = createRoom(server, alice, 'Restart');
    say(server, roomId, alice, 'before');
    await call(
      server,
      'PUT',
      `${V3}/user/${encodeURIComponent(alice.userId)}/account_data/m.test`,
      {
        token: alice.token,
        body: { n: 1 },
      },
    );
    const before = await sync(server, alice);
    expect(before.account_data.events.map((e) => e.type)).toContain('m.test');

    const poll = sync(server, alice, { since: before.next_batch, timeout: '60000' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopStarted = performance.now();
    await server.stop();
    const pollResult = await poll;
    expect(performance.now() - stopStarted).toBeLessThan(2000);
    expect(pollResult.rooms.join).toEqual({});

    server = await startTestHomeserver({
      dataDir,
      configure: (config) => {
        config.serverName = alice.userId.slice(alice.userId.indexOf(':') + 1);
      },
    });
    try {
      say(server, roomId, alice, 'after');
      const after = await sync(server, alice, { since: before.next_batch });
      expect(bodies(after.rooms.join[roomId])).toEqual(['after']);
      expect(after.account_data.events).toEqual([]);
      expect(parseSyncToken(after.next_batch).stream).toBeGreaterThan(
        parseSyncToken(before.next_batch).stream,
      );
    } finally {
      await server.stop();
    }
  });
});
