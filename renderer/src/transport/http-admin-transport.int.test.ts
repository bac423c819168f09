/**
 * The browser transport and the store against a real in-process homeserver: Node's stand-ins for
 * the browser's fetch (a CA-pinned https fetch) and WebSocket (the `ws` package) are injected, the
 * rest is the code the page runs. A partial join is listed, opened, stepped and resumed, with the
 * store following the live stream.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Homeserver } from '../../../src-core/homeserver';
import { TLS_CERTIFICATE_FILE } from '../../../src-core/keys/tls-certificate';
import type { HttpsFetch } from '../../../src-core/testing/https-fetch';
import { createHttpsFetch } from '../../../src-core/testing/https-fetch';
import { expectStatus, registerUser } from '../../../src-core/testing/matrix-test-client';
import { startTestHomeserver } from '../../../src-core/testing/test-homeserver';
import type { AdminStore } from '../state/admin-store';
import { createAdminStore } from '../state/admin-store';
import { AdminTransportError } from './admin-transport';
import { HttpAdminTransport } from './http-admin-transport';
import type { WebSocketLike } from './reconnecting-stream';
import { waitFor } from '../../../src-core/testing/wait-for';
import { residentSpeaksAfterJoin } from '../../../src-core/testing/partial-state';

let resident: Homeserver;
let joiner: Homeserver;
let https: HttpsFetch;
let transport: HttpAdminTransport;
let store: AdminStore;
let roomId: string;

function transportFor(server: Homeserver, token: string): HttpAdminTransport {
  const ca = readFileSync(path.join(server.config.dataDir, TLS_CERTIFICATE_FILE), 'utf8');
  return new HttpAdminTransport({
    baseUrl: server.baseUrl,
    token,
    fetch: https.fetch,
    createSocket: (url) => new WebSocket(url, { ca }) as unknown as WebSocketLike,
  });
}

beforeAll(async () => {
  [resident, joiner] = await Promise.all([
    startTestHomeserver(),
    startTestHomeserver({ configure: (config) => (config.resync.startPaused = true) }),
  ]);
  https = createHttpsFetch({
    ca: readFileSync(path.join(joiner.config.dataDir, TLS_CERTIFICATE_FILE), 'utf8'),
  });
  transport = transportFor(joiner, readFileSync(joiner.adminTokenFile, 'utf8').trim());
  store = createAdminStore({ scheduleFlush: (flush) => setTimeout(flush, 0) });
  const alice = await registerUser(resident, 'alice');
  roomId = expectStatus<{ room_id: string }>(
    await alice.call('POST', '/createRoom', { preset: 'public_chat', name: 'Transport' }),
    200,
  ).room_id;
  for (let i = 0; i < 3; i++) {
    const member = await registerUser(resident, `m${i}`);
    expectStatus(await member.call('POST', `/rooms/${encodeURIComponent(roomId)}/join`, {}), 200);
  }
});

afterAll(async () => {
  store?.getState().disconnect();
  https?.close();
  await Promise.all([resident?.stop(), joiner?.stop()]);
});

describe('HttpAdminTransport against a real server', () => {
  it('surfaces a wrong token as AdminTransportError M_UNKNOWN_TOKEN (an auth failure)', async () => {
    const wrong = transportFor(joiner, 'not-the-token');
    const error = await wrong.listRooms().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminTransportError);
    expect(error).toMatchObject({ status: 401, errcode: 'M_UNKNOWN_TOKEN', isAuthFailure: true });
  });

  it('surfaces unknown rooms and bad requests with their Matrix errcodes', async () => {
    await expect(transport.getRoom('!nope:example.org')).rejects.toMatchObject({
      status: 404,
      errcode: 'M_NOT_FOUND',
    });
    await expect(transport.joinRoom({ room: 'no-sigil', via: [] })).rejects.toMatchObject({
      status: 400,
      errcode: 'M_INVALID_PARAM',
    });
  });

  it('reports an unreachable server as M_CONNECTION_FAILED', async () => {
    const gone = new HttpAdminTransport({
      baseUrl: 'https://127.0.0.1:1',
      token: 'x',
      fetch: https.fetch,
    });
    await expect(gone.serverInfo()).rejects.toMatchObject({
      status: 0,
      errcode: 'M_CONNECTION_FAILED',
    });
  });

  it('connects the store, joins partially, and follows a step then the resync to the end', async () => {
    await store.getState().connect(transport);
    expect(store.getState().serverInfo?.serverName).toBe(joiner.config.serverName);
    await waitFor('stream open', () => store.getState().connection === 'open');

    const joined = await store.getState().joinRoom({
      room: roomId,
      via: [resident.config.serverName],
    });
    expect(joined).toBe(roomId);
    expect(store.getState().rooms[roomId]?.partial).toBe(true);
    await waitFor('resync paused', () => store.getState().resync[roomId]?.phase === 'paused');
    // More than J to do, so one step leaves the resync paused.
    await residentSpeaksAfterJoin(resident, joiner, roomId, `@alice:${resident.config.serverName}`);

    await store.getState().openRoom(roomId);
    const graph = store.getState().graphs[roomId];
    const joinEventId = store.getState().rooms[roomId]?.joinEventId as string;
    expect(graph?.get(joinEventId)?.isPartialJoinEvent).toBe(true);
    expect(graph?.get(joinEventId)?.partialState).toBe(true);
    expect(store.getState().selectedEventId).toBe(joinEventId);

    const detail = await store.getState().eventDetail(roomId, joinEventId);
    expect(detail.summary.eventId).toBe(joinEventId);
    expect(detail.pdu['type']).toBe('m.room.member');

    await store.getState().stepResync(roomId, 1);
    await waitFor(
      'J fully stated via the stream',
      () => store.getState().graphs[roomId]?.get(joinEventId)?.partialState === false,
    );
    await waitFor('one event done', () => store.getState().resync[roomId]?.eventsDone === 1);
    expect(store.getState().resync[roomId]?.phase).toBe('paused');

    await store.getState().resumeResync(roomId);
    await waitFor('room fully stated', () => store.getState().rooms[roomId]?.partial === false);
    await waitFor('complete', () => store.getState().resync[roomId]?.phase === 'complete');
    expect(store.getState().graphVersion).toBeGreaterThan(0);
  });

  it('exports the opened room as federation NDJSON with event IDs', async () => {
    const text = await store.getState().exportRoom(roomId);
    const lines = text.trimEnd().split('\n');
    const graph = store.getState().graphs[roomId];
    expect(lines).toHaveLength(graph?.size ?? -1);
    const pdus = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(pdus.every((pdu) => typeof pdu['event_id'] === 'string')).toBe(true);
    const join = pdus.find((pdu) => pdu['event_id'] === graph?.layout.idAt(graph.layout.size - 1));
    expect(join?.['room_id']).toBe(roomId);
    // And back: the file opens as an offline room with the same events.
    const offline = store.getState().importNdjson(text, 'export.ndjson');
    expect(offline.roomId).toBe(roomId);
    expect(offline.events.map((e) => e.eventId).sort()).toEqual(
      pdus.map((p) => p['event_id']).sort(),
    );
  });
});
