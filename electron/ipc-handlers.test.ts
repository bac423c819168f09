/**
 * The main process's IPC wiring against real cores: two Skein servers on loopback, the joiner's
 * AdminService behind registerAdminIpc, and Electron replaced only by a fake ipcMain and
 * WebContents. Covers every admin method's channel, a partial join with pause/step/resume, the
 * stream forwarding, the Matrix error mapping and the argument checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AdminStreamMessage,
  ResyncProgress,
  RoomSummary,
} from '../src-core/admin-api/admin-api-types';
import type { Homeserver } from '../src-core/homeserver';
import { silentLogger } from '../src-core/logging/logger';
import { expectStatus, registerUser } from '../src-core/testing/matrix-test-client';
import { startTestHomeserver } from '../src-core/testing/test-homeserver';
import type { DesktopSettingsState } from '../renderer/src/transport/desktop-settings';
import type { IpcResult } from '../renderer/src/transport/ipc-bridge';
import { ADMIN_METHOD_NAMES } from '../renderer/src/transport/ipc-bridge';
import { isAppUrl } from './app-protocol';
import type { AdminIpc, SettingsEndpoint } from './ipc-handlers';
import { registerAdminIpc } from './ipc-handlers';
import { adminChannel, IPC_CHANNELS } from './ipc-channels';
import { FakeIpcMain, FakeWebContents, pageEvent } from './testing/fake-ipc';
import { waitFor } from '../src-core/testing/wait-for';
import { residentSpeaksAfterJoin } from '../src-core/testing/partial-state';

let resident: Homeserver;
let joiner: Homeserver;
let roomId: string;
const ipcMain = new FakeIpcMain();
let adminIpc: AdminIpc;
const page = new FakeWebContents(7);

const settings: SettingsEndpoint = {
  state: (): DesktopSettingsState => ({
    settings: {
      serverName: null,
      listenHost: '127.0.0.1',
      port: 8448,
      tlsCertificateFile: null,
      tlsKeyFile: null,
      registration: 'open',
      registrationToken: null,
      dataDir: '/data',
    },
    restartRequired: false,
    pendingRestart: [],
    coreError: null,
  }),
  update: () => {
    throw new Error('not used here');
  },
};

async function call<T>(method: string, ...args: unknown[]): Promise<IpcResult<T>> {
  return (await ipcMain.invoke(`skein:admin:${method}`, args, pageEvent(page))) as IpcResult<T>;
}

async function value<T>(method: string, ...args: unknown[]): Promise<T> {
  const result = await call<T>(method, ...args);
  if (!result.ok) throw new Error(`${method} failed: ${result.errcode} ${result.error}`);
  return result.value;
}

function streamed(): AdminStreamMessage[] {
  return page.sent
    .filter((s) => s.channel === IPC_CHANNELS.streamMessage)
    .map((s) => s.args[0] as AdminStreamMessage);
}

beforeAll(async () => {
  [resident, joiner] = await Promise.all([
    startTestHomeserver(),
    startTestHomeserver({ configure: (config) => (config.resync.startPaused = true) }),
  ]);
  adminIpc = registerAdminIpc({
    ipcMain,
    admin: () => joiner.admin,
    unavailableReason: () => 'not used',
    settings,
    isTrustedSender: (event) => event.senderFrame !== null && isAppUrl(event.senderFrame.url),
    logger: silentLogger,
  });
  const alice = await registerUser(resident, 'alice');
  roomId = expectStatus<{ room_id: string }>(
    await alice.call('POST', '/createRoom', { preset: 'public_chat', name: 'IPC' }),
    200,
  ).room_id;
  for (let i = 0; i < 3; i++) {
    const member = await registerUser(resident, `m${i}`);
    expectStatus(await member.call('POST', `/rooms/${encodeURIComponent(roomId)}/join`, {}), 200);
  }
});

afterAll(async () => {
  adminIpc?.dispose();
  await Promise.all([resident?.stop(), joiner?.stop()]);
});

describe('registration', () => {
  it('registers one invoke handler per admin method plus the two settings calls', () => {
    const expected = [
      ...ADMIN_METHOD_NAMES.map((m) => adminChannel(m)),
      IPC_CHANNELS.getSettings,
      IPC_CHANNELS.updateSettings,
    ].sort();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(expected);
    expect(ipcMain.listeners.get(IPC_CHANNELS.streamSubscription)?.size).toBe(1);
  });

  it('answers serverInfo and an empty room list from the real core', async () => {
    const info = await value<{ serverName: string }>('serverInfo');
    expect(info.serverName).toBe(joiner.config.serverName);
    expect(await value<RoomSummary[]>('listRooms')).toEqual([]);
  });

  it('refuses pages that are not ours', async () => {
    const foreign = pageEvent(page, 'https://evil.example/');
    const result = await ipcMain.invoke(adminChannel('listRooms'), [], foreign);
    expect(result).toMatchObject({ ok: false, status: 403, errcode: 'M_FORBIDDEN' });
    const detached = { sender: page, senderFrame: null };
    expect(await ipcMain.invoke(adminChannel('listRooms'), [], detached)).toMatchObject({
      ok: false,
      status: 403,
    });
  });
});

describe('errors and argument checks', () => {
  it('maps MatrixError to status and errcode', async () => {
    expect(await call('getRoom', '!nope:example.org')).toEqual({
      ok: false,
      status: 404,
      errcode: 'M_NOT_FOUND',
      error: 'Unknown room !nope:example.org',
    });
    expect(await call('stepResync', '!nope:example.org', 1)).toMatchObject({
      status: 404,
      errcode: 'M_NOT_FOUND',
    });
  });

  it.each([
    ['getRoom', []],
    ['getRoom', [42]],
    ['getRoom', ['not-a-room']],
    ['getRoom', ['!a:b', 'extra']],
    ['listRooms', ['unexpected']],
    ['listEvents', ['!a:b', { limit: 0 }]],
    ['listEvents', ['!a:b', { limit: 10, evil: true }]],
    ['listEvents', ['!a:b', 'options']],
    ['getEvent', ['!a:b', 'no-dollar']],
    ['stepResync', ['!a:b', '1']],
    ['setResyncThrottle', ['!a:b', '5']],
    ['setResyncThrottle', ['!a:b']],
    ['joinRoom', ['!a:b']],
    ['joinRoom', [{ room: 'nope', via: [] }]],
    ['joinRoom', [{ room: '!a:b', via: 'b' }]],
    ['joinRoom', [{ room: '!a:b', via: ['b'], userId: 'x' }]],
    ['joinRoom', [{ room: '!a:b', via: ['b'], admin: true }]],
    ['startDemo', [1]],
  ])('%s(%j) → 400 M_INVALID_PARAM', async (method, args) => {
    const result = await call(method, ...args);
    expect(result).toMatchObject({ ok: false, status: 400, errcode: 'M_INVALID_PARAM' });
  });

  it('passes the core’s own range checks through', async () => {
    // Shape-valid, range-invalid: the AdminService rejects it, also with M_INVALID_PARAM.
    expect(await call('stepResync', '!a:b', 0)).toMatchObject({
      status: 400,
      errcode: 'M_INVALID_PARAM',
      error: 'events must be an integer from 1 to 1,000,000',
    });
  });
});

describe('a partial join driven over IPC', () => {
  const direct: AdminStreamMessage[] = [];

  it('subscribes the page to the stream when it asks', () => {
    joiner.admin.subscribe((message) => direct.push(message));
    ipcMain.emit(IPC_CHANNELS.streamSubscription, pageEvent(page), true);
    // A second subscription from the same page must not double every message.
    ipcMain.emit(IPC_CHANNELS.streamSubscription, pageEvent(page), true);
  });

  it('joins partially; the room shows with its resync paused at J', async () => {
    const joined = await value<{ roomId: string }>('joinRoom', {
      room: roomId,
      via: [resident.config.serverName],
    });
    expect(joined.roomId).toBe(roomId);
    const rooms = await value<RoomSummary[]>('listRooms');
    expect(rooms.map((r) => r.roomId)).toEqual([roomId]);
    expect(rooms[0]?.partial).toBe(true);
    await waitFor(
      'paused',
      async () => (await value<RoomSummary>('getRoom', roomId)).resync?.phase === 'paused',
    );
    expect(streamed().some((m) => m.kind === 'room' && m.room.roomId === roomId)).toBe(true);
  });

  it('pauses (idempotent), steps one event, then resumes to the end', async () => {
    // More than J to do, so one step leaves the resync paused.
    await residentSpeaksAfterJoin(resident, joiner, roomId, `@alice:${resident.config.serverName}`);
    const paused = await value<ResyncProgress>('pauseResync', roomId);
    expect(paused.phase).toBe('paused');
    const stepped = await value<ResyncProgress>('stepResync', roomId, 1);
    expect(stepped.stepsRemaining).toBe(1);
    await waitFor('one event done', () =>
      streamed().some(
        (m) => m.kind === 'resync' && m.progress.eventsDone === 1 && m.progress.phase === 'paused',
      ),
    );
    const throttled = await value<ResyncProgress>('setResyncThrottle', roomId, 1000);
    expect(throttled.throttleEventsPerSecond).toBe(1000);
    const resumed = await value<ResyncProgress>('resumeResync', roomId);
    expect(resumed.roomId).toBe(roomId);
    await waitFor('complete', async () => !(await value<RoomSummary>('getRoom', roomId)).partial);
    const room = await value<RoomSummary>('getRoom', roomId);
    expect(room.resync?.phase).toBe('complete');
    expect(room.joinedMembers).toBe(
      resident.context.rooms.currentState.members(roomId, 'join').length,
    );
    const events = await value<{ eventId: string; partialState: boolean }[]>('listEvents', roomId, {
      limit: 100,
    });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => !e.partialState)).toBe(true);
    const detail = await value<{ summary: { eventId: string } }>(
      'getEvent',
      roomId,
      room.joinEventId,
    );
    expect(detail.summary.eventId).toBe(room.joinEventId);
    expect(await value<unknown[]>('listStateResets', roomId)).toEqual([]);
  });

  it('forwarded each stream message once, and stops when the page unsubscribes', async () => {
    // Exactly what a direct subscriber saw, in the same order: nothing doubled or lost.
    expect(direct.length).toBeGreaterThan(5);
    expect(streamed()).toEqual(direct);
    ipcMain.emit(IPC_CHANNELS.streamSubscription, pageEvent(page), false);
    const before = page.sent.length;
    await value('pauseResync', roomId).catch(() => undefined);
    const alice = await registerUser(joiner, 'local-after-unsubscribe');
    expectStatus(await alice.call('POST', '/createRoom', {}), 200);
    expect(page.sent.length).toBe(before);
  });

  it('drops the subscription of a page that is destroyed', async () => {
    const other = new FakeWebContents(8);
    ipcMain.emit(IPC_CHANNELS.streamSubscription, pageEvent(other), true);
    other.destroy();
    const bob = await registerUser(joiner, 'local-after-destroy');
    // Would throw inside the stream listener (send on a destroyed WebContents) if still subscribed.
    expectStatus(await bob.call('POST', '/createRoom', {}), 200);
    expect(other.sent).toEqual([]);
  });
});

describe('graceful quit', () => {
  it('answers 503 once it stops accepting work; settings still answer', async () => {
    const local = new FakeIpcMain();
    const ipc = registerAdminIpc({
      ipcMain: local,
      admin: () => joiner.admin,
      unavailableReason: () => 'not used',
      settings,
      isTrustedSender: () => true,
      logger: silentLogger,
    });
    expect(await local.invoke(adminChannel('listRooms'), [])).toMatchObject({ ok: true });
    ipc.stopAcceptingWork();
    expect(await local.invoke(adminChannel('listRooms'), [])).toMatchObject({
      ok: false,
      status: 503,
      errcode: 'M_UNAVAILABLE',
      error: 'listRooms: Skein is shutting down',
    });
    ipc.dispose();
    expect(local.handlers.size).toBe(0);
  });

  it('answers 503 with the reason while the core is not running', async () => {
    const local = new FakeIpcMain();
    const ipc = registerAdminIpc({
      ipcMain: local,
      admin: () => null,
      unavailableReason: () => 'listen EADDRINUSE 127.0.0.1:8448',
      settings,
      isTrustedSender: () => true,
      logger: silentLogger,
    });
    expect(await local.invoke(adminChannel('serverInfo'), [])).toEqual({
      ok: false,
      status: 503,
      errcode: 'M_UNAVAILABLE',
      error: 'serverInfo: the Skein core is not running: listen EADDRINUSE 127.0.0.1:8448',
    });
    expect(await local.invoke(IPC_CHANNELS.getSettings, [])).toMatchObject({ ok: true });
    ipc.dispose();
  });
});
