/**
 * The admin API over real HTTPS and WebSocket: access control, then a partial join driven
 * entirely through it — list, inspect, step, resume — with the live stream watched.
 */
import { statSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Homeserver } from '../homeserver';
import { requestJson } from '../testing/https-request';
import { expectStatus, registerUser } from '../testing/matrix-test-client';
import { startTestHomeserver } from '../testing/test-homeserver';
import { adminAccessPolicy, checkAdminAccess } from './admin-access';
import type {
  AdminStreamMessage,
  EventSummary,
  ResyncProgress,
  RoomSummary,
} from './admin-api-types';
import { ADMIN_API_PREFIX, ADMIN_STREAM_PATH } from './admin-http-routes';
import { waitFor } from '../testing/wait-for';
import { partialEventCount } from '../testing/partial-state';

let resident: Homeserver;
let joiner: Homeserver;
let token: string;
let roomId: string;
let aliceUser: Awaited<ReturnType<typeof registerUser>>;

const admin = (
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
) =>
  requestJson(`${joiner.baseUrl}${ADMIN_API_PREFIX}${path}`, {
    method,
    ...(options.body === undefined ? {} : { body: options.body }),
    headers: { authorization: `Bearer ${token}`, ...options.headers },
  });

beforeAll(async () => {
  [resident, joiner] = await Promise.all([
    startTestHomeserver(),
    startTestHomeserver({ configure: (config) => (config.resync.startPaused = true) }),
  ]);
  token = readFileSync(joiner.adminTokenFile, 'utf8').trim();
  const alice = await registerUser(resident, 'alice');
  aliceUser = alice;
  roomId = expectStatus<{ room_id: string }>(
    await alice.call('POST', '/createRoom', { preset: 'public_chat', name: 'Admin API' }),
    200,
  ).room_id;
  for (let i = 0; i < 4; i++) {
    const member = await registerUser(resident, `m${i}`);
    expectStatus(await member.call('POST', `/rooms/${encodeURIComponent(roomId)}/join`, {}), 200);
  }
});

afterAll(async () => {
  await Promise.all([resident?.stop(), joiner?.stop()]);
});

describe('admin API access', () => {
  it('keeps the token in a 0600 file', () => {
    expect(statSync(joiner.adminTokenFile).mode & 0o777).toBe(0o600);
    expect(token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses a missing or wrong token, a foreign Host and a foreign Origin', async () => {
    const noToken = await requestJson(`${joiner.baseUrl}${ADMIN_API_PREFIX}/rooms`);
    expect(noToken.status).toBe(401);
    expect(noToken.body).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN' });
    expect(
      (await admin('GET', '/rooms', { headers: { authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    const rebinding = await admin('GET', '/rooms', { headers: { host: 'evil.example:443' } });
    expect(rebinding.status).toBe(403);
    const crossSite = await admin('GET', '/rooms', { headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect((await admin('GET', '/rooms', { headers: { origin: joiner.baseUrl } })).status).toBe(
      200,
    );
  });

  it('refuses peers that are not on loopback', () => {
    const policy = adminAccessPolicy(token, joiner.config.serverName, '127.0.0.1');
    const request = {
      socket: { remoteAddress: '10.1.2.3' },
      headers: { host: '127.0.0.1:8448', authorization: `Bearer ${token}` },
      url: '/_skein/admin/v1/rooms',
    } as unknown as IncomingMessage;
    expect(() => checkAdminAccess(request, policy)).toThrow(/loopback/);
  });

  it('keeps recent log lines for a GUI that connects later', async () => {
    joiner.admin.publishLog({
      ts: 1,
      level: 'warn',
      message: 'logged before anyone looked',
      fields: {},
    });
    const info = expectStatus<{ recentLogs: { message: string }[] }>(
      await admin('GET', '/server'),
      200,
    );
    expect(info.recentLogs.map((line) => line.message)).toContain('logged before anyone looked');
  });

  it('answers unknown rooms and bad parameters with Matrix errors', async () => {
    const unknown = await admin('GET', `/rooms/${encodeURIComponent('!nope:x')}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ errcode: 'M_NOT_FOUND' });
    const badJoin = await admin('POST', '/join', { body: { room: 'not-a-room', via: [] } });
    expect(badJoin.status).toBe(400);
    expect(badJoin.body).toMatchObject({ errcode: 'M_INVALID_PARAM' });
  });
});

describe('a partial join driven through the admin API', () => {
  const stream: AdminStreamMessage[] = [];
  let socket: WebSocket;

  beforeAll(async () => {
    socket = new WebSocket(
      `wss://127.0.0.1:${joiner.port}${ADMIN_STREAM_PATH}?access_token=${token}`,
      {
        rejectUnauthorized: false,
      },
    );
    socket.on('message', (data: Buffer) =>
      stream.push(JSON.parse(data.toString()) as AdminStreamMessage),
    );
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
  });

  afterAll(() => socket.close());

  it('refuses a stream connection without the token', async () => {
    const intruder = new WebSocket(`wss://127.0.0.1:${joiner.port}${ADMIN_STREAM_PATH}`, {
      rejectUnauthorized: false,
    });
    const status = await new Promise<number>((resolve) => {
      intruder.once('unexpected-response', (_request, response) =>
        resolve(response.statusCode ?? 0),
      );
      intruder.once('error', () => resolve(-1));
    });
    expect(status).toBe(401);
  });

  it('joins, shows the room partial with its resync paused at J', async () => {
    const joined = await admin('POST', '/join', {
      body: { room: roomId, via: [resident.config.serverName] },
    });
    expect(expectStatus<{ roomId: string }>(joined, 200).roomId).toBe(roomId);
    // Later events arrive partial-stated, so one step leaves the resync paused with work left.
    expectStatus(
      await aliceUser.call(
        'PUT',
        `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/later`,
        {
          msgtype: 'm.text',
          body: 'after the join',
        },
      ),
      200,
    );
    await waitFor(
      'the later event at the joiner',
      () =>
        joiner.context.rooms.partialState.isPartialRoom(roomId) &&
        partialEventCount(joiner, roomId) === 2,
    );
    const rooms = expectStatus<{ rooms: RoomSummary[] }>(await admin('GET', '/rooms'), 200).rooms;
    const room = rooms.find((r) => r.roomId === roomId);
    expect(room?.partial).toBe(true);
    expect(room?.joinedVia).toBe(resident.config.serverName);
    await waitFor('paused', async () => {
      const summary = expectStatus<RoomSummary>(
        await admin('GET', `/rooms/${encodeURIComponent(roomId)}`),
        200,
      );
      return summary.resync?.phase === 'paused';
    });
    const events = expectStatus<{ events: EventSummary[] }>(
      await admin('GET', `/rooms/${encodeURIComponent(roomId)}/events`),
      200,
    ).events;
    const join = events.find((e) => e.isPartialJoinEvent);
    expect(join?.partialState).toBe(true);
    expect(join?.sender).toBe(`@skein-admin:${joiner.config.serverName}`);
  });

  it('steps exactly one event, visible in the stream, then resumes to the end', async () => {
    const stepped = expectStatus<ResyncProgress>(
      await admin('POST', `/rooms/${encodeURIComponent(roomId)}/resync/step`, {
        body: { events: 1 },
      }),
      200,
    );
    expect(stepped.stepsRemaining).toBe(1);
    await waitFor('one event done', () =>
      stream.some(
        (m) => m.kind === 'resync' && m.progress.eventsDone === 1 && m.progress.phase === 'paused',
      ),
    );
    const events = expectStatus<{ events: EventSummary[] }>(
      await admin('GET', `/rooms/${encodeURIComponent(roomId)}/events`),
      200,
    ).events;
    expect(events.find((e) => e.isPartialJoinEvent)?.partialState).toBe(false);
    expect(
      stream.some((m) => m.kind === 'event' && m.event.isPartialJoinEvent && !m.event.partialState),
    ).toBe(true);

    expectStatus(await admin('POST', `/rooms/${encodeURIComponent(roomId)}/resync/resume`), 200);
    await waitFor('complete', () =>
      stream.some((m) => m.kind === 'room' && m.room.roomId === roomId && !m.room.partial),
    );
    const detail = expectStatus<RoomSummary>(
      await admin('GET', `/rooms/${encodeURIComponent(roomId)}`),
      200,
    );
    expect(detail.partial).toBe(false);
    expect(detail.resync?.phase).toBe('complete');
    expect(detail.joinEventId).not.toBeNull();
    expect(detail.joinedMembers).toBe(
      resident.context.rooms.currentState.members(roomId, 'join').length,
    );
  });

  it('shows an event with its partial and full state side by side', async () => {
    const joinEventId = expectStatus<RoomSummary>(
      await admin('GET', `/rooms/${encodeURIComponent(roomId)}`),
      200,
    ).joinEventId as string;
    const detail = expectStatus<{
      stateBefore: { type: string }[];
      partialStateBefore: { type: string }[];
    }>(
      await admin(
        'GET',
        `/rooms/${encodeURIComponent(roomId)}/events/${encodeURIComponent(joinEventId)}`,
      ),
      200,
    );
    const members = (entries: { type: string }[]) =>
      entries.filter((e) => e.type === 'm.room.member').length;
    expect(members(detail.stateBefore)).toBeGreaterThan(members(detail.partialStateBefore));
  });
});
