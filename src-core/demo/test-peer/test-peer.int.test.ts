/**
 * Black box: a real Skein server process (started as users start it, with
 * --insecure-skip-tls-verify so it accepts the peer's self-signed certificate) partially joins
 * a room the peer hosts, receives a message the peer pushes, and sends one back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestJson } from '../../testing/https-request';
import type { ServerProcess } from '../../testing/server-process';
import { startServerProcess } from '../../testing/server-process';
import type { PeerJsonObject } from './peer-json';
import type { ScriptedRoom } from './scripted-room';
import { TestPeer } from './test-peer';

let peer: TestPeer;
let skein: ServerProcess;
let dataDir: string;
let token: string;
let userId: string;
let room: ScriptedRoom;

const enc = encodeURIComponent;

function client(method: string, apiPath: string, body?: unknown) {
  return requestJson(`${skein.baseUrl}/_matrix/client/v3${apiPath}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body }),
  });
}

async function eventually<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'skein-test-peer-'));
  [peer, skein] = await Promise.all([
    TestPeer.start(),
    startServerProcess({ dataDir, extraArgs: ['--insecure-skip-tls-verify'] }),
  ]);
  const registered = await requestJson(`${skein.baseUrl}/_matrix/client/v3/register`, {
    method: 'POST',
    body: { username: 'zoe', password: 'test password', auth: { type: 'm.login.dummy' } },
  });
  expect(registered.status).toBe(200);
  ({ access_token: token, user_id: userId } = registered.body as {
    access_token: string;
    user_id: string;
  });
  room = peer.createRoom({ version: '11' });
  room.join(peer.user('bob'));
  room.sendMessage(peer.user('alice'), 'history before zoe');
});

afterAll(async () => {
  await Promise.all([peer?.stop(), skein?.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a real Skein server joining a room the test peer hosts', () => {
  it('joins partially through the peer', async () => {
    const joined = await client(
      'POST',
      `/join/${enc(room.roomId)}?server_name=${enc(peer.serverName)}`,
      {},
    );
    expect(joined.status, joined.text).toBe(200);
    expect((joined.body as PeerJsonObject)['room_id']).toBe(room.roomId);
    const sendJoin = peer.requests('send_join')[0];
    expect(sendJoin?.query['omit_members']).toEqual(['true']);
    expect(sendJoin?.origin).toBe(skein.serverName);
    expect(sendJoin?.status).toBe(200);
    expect(room.membership(userId)).toBe('join');
  });

  it('receives a message the peer pushes', async () => {
    const message = room.sendMessage(peer.user('alice'), 'hello from the peer');
    expect(message.prevEvents).toEqual([room.stateEvent('m.room.member', userId)?.eventId]);
    await peer.sendTransaction(skein.serverName, [message]);
    const seen = await eventually('the pushed message on Skein', async () => {
      const response = await client(
        'GET',
        `/rooms/${enc(room.roomId)}/event/${enc(message.eventId)}`,
      );
      return response.status === 200 ? (response.body as PeerJsonObject) : undefined;
    });
    expect(seen['content']).toEqual({ msgtype: 'm.text', body: 'hello from the peer' });
    expect(seen['sender']).toBe(peer.user('alice'));
  });

  it('sends a message back that the peer records', async () => {
    const sent = await client('PUT', `/rooms/${enc(room.roomId)}/send/m.room.message/txn1`, {
      msgtype: 'm.text',
      body: 'hello from skein',
    });
    expect(sent.status, sent.text).toBe(200);
    const eventId = (sent.body as { event_id: string }).event_id;
    const pdu = await peer.waitForPdu(
      (p) => (p['content'] as PeerJsonObject | undefined)?.['body'] === 'hello from skein',
    );
    expect(pdu['sender']).toBe(userId);
    expect(room.findEvent(eventId)?.source).toBe('received');
    expect(peer.transactions.at(-1)?.origin).toBe(skein.serverName);
  });

  it("resyncs the state from the peer at the join's prev event", async () => {
    const join = room.stateEvent('m.room.member', userId);
    const prev = join?.prevEvents[0];
    const asked = await peer.waitForRequest(
      'state_ids',
      (r) => r.query['event_id']?.[0] === prev,
      15_000,
    );
    expect(asked.status).toBe(200);
    expect(skein.stderr()).not.toMatch(/"level":"error"|"level":50/);
  });
});

describe("the seed's stale-auth kick, played against a real Skein server", () => {
  it('is accepted under partial state and rejected once the resync has the full state', async () => {
    const named = peer.createRoom({ version: '11', name: 'No heroes' });
    const alice = peer.user('alice');
    const bob = peer.user('bob');
    const mallory = peer.user('mallory');
    named.join(bob);
    named.join(mallory);
    const promoted = named.setUserPowerLevel(alice, mallory, 50);
    named.leave(mallory);
    const held = peer.hold('state_ids');
    const joined = await client(
      'POST',
      `/join/${enc(named.roomId)}?server_name=${enc(peer.serverName)}`,
      {},
    );
    expect(joined.status, joined.text).toBe(200);
    await held.arrived(1);

    const kick = named.kick(mallory, bob, 'stale power', {
      authEvents: named.authEventsAt(promoted.eventId, {
        type: 'm.room.member',
        stateKey: bob,
        sender: mallory,
        content: { membership: 'leave' },
      }),
      rejected: true,
    });
    await peer.sendTransaction(skein.serverName, [kick]);
    // Partial state lacks mallory's leave: the kick passes checks 4 and 5.
    await eventually('the kick accepted while partial', async () => {
      const response = await client(
        'GET',
        `/rooms/${enc(named.roomId)}/event/${enc(kick.eventId)}`,
      );
      return response.status === 200 ? true : undefined;
    });
    const stateIdsWhileHeld = peer
      .requests('state_ids')
      .filter((r) => r.path.endsWith(enc(named.roomId)));
    expect(stateIdsWhileHeld.map((r) => r.status)).toEqual([undefined]);

    held.release();
    // The full state has mallory's leave, so the resync rejects the kick: bob stays joined.
    await eventually('the kick rejected after the resync', async () => {
      const response = await client(
        'GET',
        `/rooms/${enc(named.roomId)}/event/${enc(kick.eventId)}`,
      );
      return response.status === 404 ? true : undefined;
    });
    const bobState = await client(
      'GET',
      `/rooms/${enc(named.roomId)}/state/m.room.member/${enc(bob)}`,
    );
    expect(bobState.body).toMatchObject({ membership: 'join' });
  });
});
