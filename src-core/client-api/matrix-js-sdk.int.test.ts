/**
 * Black-box interoperability with an independent client: matrix-js-sdk drives `skein serve`, run
 * as a separate process, over real HTTPS (trusting only the server's self-signed certificate).
 * The SDK is the judge of our wire format here — it parses /sync and /messages its own way.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  Direction,
  EventType,
  MatrixError,
  Preset,
  RoomEvent,
  RoomMemberEvent,
  SyncState,
  Visibility,
} from 'matrix-js-sdk';
import type { MatrixClient, MatrixEvent, Room, RoomMember } from 'matrix-js-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpsFetch } from '../testing/https-fetch';
import type { HttpsFetch } from '../testing/https-fetch';
import {
  createSdkClient,
  quietSdkGlobalLogger,
  startClientPrepared,
} from '../testing/matrix-js-sdk-client';
import type { BufferedSdkLogger } from '../testing/matrix-js-sdk-client';
import { startServerProcess } from '../testing/server-process';
import type { ServerProcess } from '../testing/server-process';
import { waitForEvent, waitUntil } from '../testing/wait-for-event';

const PASSWORD = 'correct horse battery staple';
const WAIT_MS = 10_000;

let dataDir: string;
let server: ServerProcess;
let https: HttpsFetch;
/** Every URL alice's client requested, to see which `since` it resumes with. */
const aliceRequests: string[] = [];
const clients: { client: MatrixClient; logger: BufferedSdkLogger }[] = [];

let registrationChallenge: MatrixError;
let aliceId: string;
let bobId: string;
let aliceLoginDeviceId: string;
let aliceRegistrationDeviceId: string | undefined;
let bobRegistrationToken: string | undefined;
let alice: MatrixClient;
let bob: MatrixClient;

function newClient(options: {
  userId?: string;
  accessToken?: string;
  deviceId?: string;
  recordInto?: string[];
}): MatrixClient {
  const record = options.recordInto;
  const fetchFn: typeof globalThis.fetch = record
    ? (input, init) => {
        record.push(input instanceof Request ? input.url : String(input));
        return https.fetch(input, init);
      }
    : https.fetch;
  const made = createSdkClient({ baseUrl: server.baseUrl, fetchFn, ...options });
  clients.push(made);
  return made.client;
}

const isSync = (url: string): boolean => new URL(url).pathname.endsWith('/sync');
const sinceOf = (url: string | undefined): string | null =>
  url === undefined ? null : new URL(url).searchParams.get('since');

function logsOf(client: MatrixClient): string {
  return clients.find((c) => c.client === client)?.logger.lines.join('\n') ?? '';
}

async function registerThroughDummyStage(
  anonymous: MatrixClient,
  username: string,
): Promise<{ user_id: string; access_token?: string; device_id?: string }> {
  // UIA: the first call (no `auth`) is answered 401 with the flows and a session.
  const challenge = await anonymous.registerRequest({ username, password: PASSWORD }).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(challenge instanceof MatrixError)) {
    throw new Error(`expected a 401 UIA challenge for ${username}, got ${String(challenge)}`);
  }
  registrationChallenge ??= challenge;
  const session = challenge.data['session'];
  if (typeof session !== 'string') throw new Error('UIA challenge without a session');
  return anonymous.registerRequest({
    username,
    password: PASSWORD,
    initial_device_display_name: `${username}'s test device`,
    auth: { type: 'm.login.dummy', session },
  });
}

/** Waits for a remote (not locally echoed) timeline event on `client`. */
function waitForTimeline(
  client: MatrixClient,
  roomId: string,
  predicate: (event: MatrixEvent) => boolean,
  description: string,
): Promise<[MatrixEvent, Room | undefined, boolean | undefined]> {
  return waitForEvent(
    client,
    RoomEvent.Timeline,
    (event: MatrixEvent, room: Room | undefined, toStartOfTimeline: boolean | undefined) =>
      room?.roomId === roomId && toStartOfTimeline !== true && predicate(event),
    WAIT_MS,
    `${client.getUserId() ?? '?'} to see ${description} in ${roomId}`,
  );
}

function waitForMembership(
  client: MatrixClient,
  roomId: string,
  userId: string,
  membership: string,
): Promise<[MatrixEvent, RoomMember]> {
  return waitForEvent(
    client,
    RoomMemberEvent.Membership,
    (_event: MatrixEvent, member: RoomMember) =>
      member.roomId === roomId && member.userId === userId && member.membership === membership,
    WAIT_MS,
    `${client.getUserId() ?? '?'} to see ${userId} ${membership} ${roomId}`,
  );
}

/** Alice sends a text message; resolves when bob's client has it through sync. */
async function sendAndSee(
  from: MatrixClient,
  to: MatrixClient,
  roomId: string,
  body: string,
): Promise<MatrixEvent> {
  const arrived = waitForTimeline(to, roomId, (e) => e.getContent()['body'] === body, body);
  const { event_id: eventId } = await from.sendTextMessage(roomId, body);
  const [event] = await arrived.catch((error: unknown) => {
    throw new Error(`${String(error)}\n${logsOf(to)}`);
  });
  expect(event.getId()).toBe(eventId);
  expect(event.getSender()).toBe(from.getUserId());
  expect(event.getType()).toBe(EventType.RoomMessage);
  return event;
}

async function createRoomAndWait(
  creator: MatrixClient,
  options: Parameters<MatrixClient['createRoom']>[0],
): Promise<Room> {
  const { room_id: roomId } = await creator.createRoom(options);
  return waitUntil(() => creator.getRoom(roomId) ?? undefined, WAIT_MS, `room ${roomId} synced`);
}

beforeAll(async () => {
  quietSdkGlobalLogger();
  dataDir = mkdtempSync(path.join(tmpdir(), 'skein-sdk-'));
  server = await startServerProcess({ dataDir });
  https = createHttpsFetch({ ca: readFileSync(path.join(dataDir, 'tls.crt'), 'utf8') });

  const anonymous = newClient({});
  const aliceRegistration = await registerThroughDummyStage(anonymous, 'alice');
  const bobRegistration = await registerThroughDummyStage(anonymous, 'bob');
  aliceId = aliceRegistration.user_id;
  bobId = bobRegistration.user_id;
  aliceRegistrationDeviceId = aliceRegistration.device_id;
  bobRegistrationToken = bobRegistration.access_token;

  const login = await anonymous.loginRequest({
    type: 'm.login.password',
    identifier: { type: 'm.id.user', user: 'alice' },
    password: PASSWORD,
  });
  aliceLoginDeviceId = login.device_id;
  alice = newClient({
    userId: login.user_id,
    accessToken: login.access_token,
    deviceId: login.device_id,
    recordInto: aliceRequests,
  });
  bob = newClient({
    userId: bobId,
    ...(bobRegistration.access_token ? { accessToken: bobRegistration.access_token } : {}),
    ...(bobRegistration.device_id ? { deviceId: bobRegistration.device_id } : {}),
  });
  await Promise.all([
    startClientPrepared(alice, { initialSyncLimit: 20 }, WAIT_MS),
    startClientPrepared(bob, { initialSyncLimit: 20 }, WAIT_MS),
  ]);
});

afterAll(async () => {
  for (const { client } of clients) client.stopClient();
  https?.close();
  await server?.stop();
});

describe('matrix-js-sdk 37 against skein serve (separate process, HTTPS)', () => {
  it('registers two users through UIA m.login.dummy with registerRequest', () => {
    expect(registrationChallenge.httpStatus).toBe(401);
    const flows = registrationChallenge.data['flows'] as { stages: string[] }[];
    expect(flows).toContainEqual({ stages: ['m.login.dummy'] });
    expect(aliceId).toBe(`@alice:${server.serverName}`);
    expect(bobId).toBe(`@bob:${server.serverName}`);
    // bob's client runs on the token /register handed out.
    expect(bobRegistrationToken).toEqual(expect.any(String));
    expect(bob.getAccessToken()).toBe(bobRegistrationToken);
  });

  it('logs in with a password and the new device token works (whoami)', async () => {
    const whoami = await alice.whoami();
    expect(whoami.user_id).toBe(aliceId);
    expect(whoami.device_id).toBe(aliceLoginDeviceId);
    expect(aliceLoginDeviceId).not.toBe(aliceRegistrationDeviceId);
  });

  it('startClient reaches PREPARED for both users (initial sync) and keeps syncing', () => {
    expect(alice.isInitialSyncComplete()).toBe(true);
    expect(bob.isInitialSyncComplete()).toBe(true);
    expect([SyncState.Prepared, SyncState.Syncing]).toContain(alice.getSyncState());
    expect(alice.getSyncStateData()?.nextSyncToken).toEqual(expect.any(String));
  });

  for (const roomVersion of ['10', '11', '12']) {
    it(`public_chat room v${roomVersion}: bob joins, messages flow both ways via incremental sync`, async () => {
      const aliceRoom = await createRoomAndWait(alice, {
        preset: Preset.PublicChat,
        room_version: roomVersion,
        visibility: Visibility.Public,
        name: `public v${roomVersion}`,
      });
      const roomId = aliceRoom.roomId;
      expect(aliceRoom.getVersion()).toBe(roomVersion);
      expect(aliceRoom.getJoinRule()).toBe('public');
      expect(aliceRoom.getMyMembership()).toBe('join');

      const bobRoom = await bob.joinRoom(roomId);
      expect(bobRoom.roomId).toBe(roomId);
      await waitUntil(
        () => (bob.getRoom(roomId)?.getMyMembership() === 'join' ? true : undefined),
        WAIT_MS,
        'bob sees himself joined',
      );
      expect(bob.getRoom(roomId)?.name).toBe(`public v${roomVersion}`);

      await sendAndSee(alice, bob, roomId, `hello from alice in v${roomVersion}`);
      await sendAndSee(bob, alice, roomId, `hello back from bob in v${roomVersion}`);
    });

    it(`private_chat room v${roomVersion}: invite reaches bob, bob joins, messages flow`, async () => {
      const aliceRoom = await createRoomAndWait(alice, {
        preset: Preset.PrivateChat,
        room_version: roomVersion,
      });
      const roomId = aliceRoom.roomId;
      expect(aliceRoom.getVersion()).toBe(roomVersion);
      expect(aliceRoom.getJoinRule()).toBe('invite');

      const invited = waitForEvent(
        bob,
        RoomEvent.MyMembership,
        (room: Room, membership: string) => room.roomId === roomId && membership === 'invite',
        WAIT_MS,
        `bob's invite to ${roomId}`,
      );
      await alice.invite(roomId, bobId);
      const [invitedRoom] = await invited;
      expect(invitedRoom.getDMInviter()).toBeUndefined(); // not a direct chat
      expect(invitedRoom.getMember(bobId)?.events.member?.getSender()).toBe(aliceId);

      const aliceSeesJoin = waitForMembership(alice, roomId, bobId, 'join');
      await bob.joinRoom(roomId);
      await aliceSeesJoin;
      await sendAndSee(alice, bob, roomId, `private hello in v${roomVersion}`);
      await sendAndSee(bob, alice, roomId, `private reply in v${roomVersion}`);
    });
  }

  describe('in one shared room', () => {
    let roomId: string;

    beforeAll(async () => {
      roomId = (await createRoomAndWait(alice, { preset: Preset.PublicChat, room_version: '11' }))
        .roomId;
      const aliceSeesJoin = waitForMembership(alice, roomId, bobId, 'join');
      await bob.joinRoom(roomId);
      await aliceSeesJoin;
    });

    it('topic and name set by alice show in bob`s room.currentState', async () => {
      const topicArrived = waitForTimeline(
        bob,
        roomId,
        (e) => e.getType() === EventType.RoomTopic,
        'the topic',
      );
      const nameArrived = waitForTimeline(
        bob,
        roomId,
        (e) => e.getType() === EventType.RoomName,
        'the name',
      );
      await alice.setRoomTopic(roomId, 'Interop testing');
      await alice.setRoomName(roomId, 'SDK room');
      await Promise.all([topicArrived, nameArrived]);
      const state = bob.getRoom(roomId)?.currentState;
      expect(state?.getStateEvents(EventType.RoomTopic, '')?.getContent()['topic']).toBe(
        'Interop testing',
      );
      expect(state?.getStateEvents(EventType.RoomName, '')?.getContent()['name']).toBe('SDK room');
      // The SDK recomputes the display name after applying the whole sync response.
      await waitUntil(
        () => (bob.getRoom(roomId)?.name === 'SDK room' ? true : undefined),
        WAIT_MS,
        'bob`s room name is recomputed',
      );
    });

    it('getJoinedRoomMembers and room.getMembers list both users', async () => {
      const joined = await bob.getJoinedRoomMembers(roomId);
      expect(Object.keys(joined.joined).sort()).toEqual([aliceId, bobId].sort());
      expect(joined.joined[aliceId]?.display_name).toBe('alice');

      const room = alice.getRoom(roomId);
      expect(
        room
          ?.getJoinedMembers()
          .map((m) => m.userId)
          .sort(),
      ).toEqual([aliceId, bobId].sort());
      expect(room?.getMember(bobId)?.membership).toBe('join');

      // /members as the SDK's lazy member loading calls it: `at` is the client's sync token.
      const syncToken = alice.store.getSyncToken();
      expect(syncToken).toMatch(/^s\d+_\d+$/);
      const members = await alice.members(roomId, undefined, 'leave', syncToken ?? undefined);
      const memberIds = (members.chunk ?? []).map((e) => e.state_key).sort();
      expect(memberIds).toEqual([aliceId, bobId].sort());
    });

    it('typing notifications from alice reach bob, then stop', async () => {
      const typing = (isTyping: boolean) =>
        waitForEvent(
          bob,
          RoomMemberEvent.Typing,
          (_e: MatrixEvent, member: RoomMember) =>
            member.roomId === roomId && member.userId === aliceId && member.typing === isTyping,
          WAIT_MS,
          `alice typing=${String(isTyping)}`,
        );
      const started = typing(true);
      await alice.sendTyping(roomId, true, 20_000);
      await started;
      const stopped = typing(false);
      await alice.sendTyping(roomId, false, 0);
      await stopped;
    });

    it('a read receipt from bob reaches alice', async () => {
      const message = await sendAndSee(alice, bob, roomId, 'please read me');
      const receiptArrived = waitForEvent(
        alice,
        RoomEvent.Receipt,
        (_e: MatrixEvent, room: Room) =>
          room.roomId === roomId && room.getEventReadUpTo(bobId, true) === message.getId(),
        WAIT_MS,
        'bob`s read receipt',
      );
      await bob.sendReadReceipt(message);
      await receiptArrived;
      const aliceEvent = alice.getRoom(roomId)?.findEventById(message.getId() ?? '');
      expect(aliceEvent).toBeDefined();
      if (aliceEvent) expect(alice.getRoom(roomId)?.getUsersReadUpTo(aliceEvent)).toContain(bobId);
    });

    it('leave, kick and ban show on both clients', async () => {
      const aliceSeesLeave = waitForMembership(alice, roomId, bobId, 'leave');
      await bob.leave(roomId);
      await aliceSeesLeave;
      await waitUntil(
        () => (bob.getRoom(roomId)?.getMyMembership() === 'leave' ? true : undefined),
        WAIT_MS,
        'bob sees himself left',
      );

      await bob.joinRoom(roomId);
      const bobSeesKick = waitForMembership(bob, roomId, bobId, 'leave');
      const aliceSeesKick = waitForMembership(alice, roomId, bobId, 'leave');
      await alice.kick(roomId, bobId, 'testing kicks');
      const [[kickEvent]] = await Promise.all([bobSeesKick, aliceSeesKick]);
      expect(kickEvent.getSender()).toBe(aliceId);
      expect(kickEvent.getContent()['reason']).toBe('testing kicks');

      await bob.joinRoom(roomId);
      const aliceSeesBan = waitForMembership(alice, roomId, bobId, 'ban');
      const bobSeesBan = waitForMembership(bob, roomId, bobId, 'ban');
      await alice.ban(roomId, bobId, 'testing bans');
      await Promise.all([aliceSeesBan, bobSeesBan]);
      expect(alice.getRoom(roomId)?.getMember(bobId)?.membership).toBe('ban');
      await waitUntil(
        () => (bob.getRoom(roomId)?.getMyMembership() === 'ban' ? true : undefined),
        WAIT_MS,
        'bob`s client records its own ban',
      );
      // Only now does bob's client know it is not joined (else joinRoom answers from its cache).
      const rejoin = await bob.joinRoom(roomId).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(rejoin).toBeInstanceOf(MatrixError);
      expect((rejoin as MatrixError).errcode).toBe('M_FORBIDDEN');
    });
  });

  it('scrollback pages /messages back across 60 events to the room creation', async () => {
    const roomId = (await createRoomAndWait(alice, { preset: Preset.PublicChat })).roomId;
    const sent: string[] = [];
    for (let i = 0; i < 60; i++) {
      const body = `numbered message ${i}`;
      sent.push((await alice.sendTextMessage(roomId, body)).event_id);
    }
    // A fresh device of bob's with a small initial timeline, so history comes from /messages.
    const login = await bob.loginRequest({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: 'bob' },
      password: PASSWORD,
    });
    const reader = newClient({
      userId: login.user_id,
      accessToken: login.access_token,
      deviceId: login.device_id,
    });
    await reader.joinRoom(roomId);
    await startClientPrepared(reader, { initialSyncLimit: 5 }, WAIT_MS);
    const room = await waitUntil(() => reader.getRoom(roomId) ?? undefined, WAIT_MS, 'room');
    const timeline = () => room.getLiveTimeline().getEvents();
    expect(timeline().length).toBeLessThanOrEqual(5);

    for (let page = 0; page < 20; page++) {
      if (timeline()[0]?.getType() === EventType.RoomCreate) break;
      await reader.scrollback(room, 10);
    }
    expect(timeline()[0]?.getType()).toBe(EventType.RoomCreate);
    const messageIds = timeline()
      .filter((e) => e.getType() === EventType.RoomMessage)
      .map((e) => e.getId());
    expect(messageIds).toEqual(sent);
    reader.stopClient();
  });

  it('lazy-loaded members: summary counts first, then loadMembersIfNeeded fetches the rest', async () => {
    const roomId = (await createRoomAndWait(alice, { preset: Preset.PublicChat })).roomId;
    const aliceSeesJoin = waitForMembership(alice, roomId, bobId, 'join');
    await bob.joinRoom(roomId);
    await aliceSeesJoin;
    await alice.sendTextMessage(roomId, 'only alice speaks last');

    // A second device of alice's syncing with lazy_load_members and a one-event timeline: the
    // only member event it needs is the sender's, alice's own.
    const login = await alice.loginRequest({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: 'alice' },
      password: PASSWORD,
    });
    const lazy = newClient({
      userId: login.user_id,
      accessToken: login.access_token,
      deviceId: login.device_id,
    });
    await startClientPrepared(lazy, { initialSyncLimit: 1, lazyLoadMembers: true }, WAIT_MS);
    const room = await waitUntil(() => lazy.getRoom(roomId) ?? undefined, WAIT_MS, 'room');
    expect(room.getMember(bobId)).toBeNull();
    expect(room.getJoinedMemberCount()).toBe(2); // from the sync summary
    expect(room.name).toMatch(/bob/); // named after the summary's hero

    await room.loadMembersIfNeeded(); // GET /members?at=<sync token>&not_membership=leave
    expect(room.getMember(bobId)?.membership).toBe('join');
    expect(
      room
        .getJoinedMembers()
        .map((m) => m.userId)
        .sort(),
    ).toEqual([aliceId, bobId].sort());
    lazy.stopClient();
  });

  it('after a server restart on the same data dir, tokens still work, sync resumes and nothing is lost', async () => {
    const roomId = (
      await createRoomAndWait(alice, { preset: Preset.PublicChat, name: 'Before restart' })
    ).roomId;
    const aliceSeesJoin = waitForMembership(alice, roomId, bobId, 'join');
    await bob.joinRoom(roomId);
    await aliceSeesJoin;
    const before = await sendAndSee(alice, bob, roomId, 'sent before the restart');

    const stopped = await server.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    // The long poll in flight when the server went away carries the token to resume from.
    const sinceBefore = sinceOf(aliceRequests.filter(isSync).at(-1));
    expect(sinceBefore).toMatch(/^s\d+_\d+$/);
    server = await startServerProcess({
      dataDir,
      serverName: server.serverName,
      port: server.port,
    });

    // The SDK retries on its own after a few seconds; ask it to try now.
    const requestsBefore = aliceRequests.length;
    const after = waitForTimeline(
      alice,
      roomId,
      (e) => e.getContent()['body'] === 'sent after the restart',
      'the post-restart message',
    );
    const nudge = setInterval(() => {
      alice.retryImmediately();
      bob.retryImmediately();
    }, 250);
    try {
      await bob.sendTextMessage(roomId, 'sent after the restart');
      await after;
    } finally {
      clearInterval(nudge);
    }
    const resumedSyncs = aliceRequests.slice(requestsBefore).filter(isSync).map(sinceOf);
    expect(resumedSyncs[0]).toBe(sinceBefore);

    expect((await alice.whoami()).user_id).toBe(aliceId);

    // A brand-new client (no store) with alice's token sees everything from before the restart.
    const fresh = newClient({
      userId: aliceId,
      accessToken: alice.getAccessToken() ?? '',
      deviceId: alice.getDeviceId() ?? '',
    });
    await startClientPrepared(fresh, { initialSyncLimit: 50 }, WAIT_MS);
    const freshRoom = await waitUntil(() => fresh.getRoom(roomId) ?? undefined, WAIT_MS, 'room');
    expect(freshRoom.name).toBe('Before restart');
    expect(freshRoom.findEventById(before.getId() ?? '')?.getContent()['body']).toBe(
      'sent before the restart',
    );
    const history = await fresh.createMessagesRequest(roomId, null, 50, Direction.Backward);
    const bodies = history.chunk.map((e) => e.content['body']).filter((b) => b !== undefined);
    expect(bodies.slice(0, 2)).toEqual(['sent after the restart', 'sent before the restart']);
    fresh.stopClient();
  });
});
