/**
 * `m.room.server_acl` over real federation (spec: server-server "Server Access Control Lists"):
 * inbound on `/send` per PDU and on the room's EDUs, on the membership handshakes and invites;
 * outbound, nothing of the room is queued for the denied server. A is the resident; B
 * (127.0.0.1) stays allowed; C listens on 127.0.0.2 so an ACL can name its host alone (ACLs
 * ignore ports, and every other test server is 127.0.0.1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FederationRequestError } from '../federation-client/federation-request-error';
import type { Homeserver } from '../homeserver';
import { selectAuthEventIds } from '../rules/auth/auth-event-selection';
import type { Pdu } from '../rules/events/pdu';
import { computeEventId } from '../rules/hashes/event-id';
import type { JsonObject } from '../rules/json';
import { DEFAULT_ROOM_VERSION, getRoomVersion } from '../rules/room-versions';
import { signEvent } from '../rules/signing/sign-event';
import { initCrypto } from '../rules/signing/sodium';
import { persistPeerEvent } from '../testing/peer-room-events';
import { startTestHomeserver } from '../testing/test-homeserver';
import type { PduResults } from './transaction-handler';

const version = getRoomVersion(DEFAULT_ROOM_VERSION);
const FED = '/_matrix/federation/v1';
const FED2 = '/_matrix/federation/v2';
const enc = encodeURIComponent;

let a: Homeserver;
let b: Homeserver;
let c: Homeserver;
let alice: string;
let bob: string;
let carol: string;
let roomId: string;
/** Event IDs and EDU types each peer received from A. */
const received = new Map<Homeserver, { pdus: string[]; edus: string[] }>();

function recordInbound(server: Homeserver): void {
  const log = { pdus: [] as string[], edus: [] as string[] };
  received.set(server, log);
  const inner = server.context.federation.transactionHandler;
  server.context.federation.transactionHandler = {
    handlePdus: (origin, pdus) => {
      for (const pdu of pdus) log.pdus.push(computeEventId(pdu as Pdu, version));
      return inner.handlePdus(origin, pdus);
    },
    handleEdus: (origin, edus) => {
      for (const edu of edus) log.edus.push(String((edu as JsonObject)['edu_type']));
      return inner.handleEdus(origin, edus);
    },
  };
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function send(content: JsonObject, type = 'm.room.message', stateKey?: string): string {
  return a.context.rooms.sender.send({
    roomId,
    type,
    sender: alice,
    content,
    ...(stateKey === undefined ? {} : { stateKey }),
  }).event.eventId;
}

/** A message by `sender` of `peer`, signed by the peer, on A's tips; not persisted anywhere. */
function peerMessage(peer: Homeserver, sender: string, body: string): Pdu {
  const rooms = a.context.rooms;
  const prevs = rooms.builder.choosePrevEvents(roomId);
  const stateBefore = rooms.roomState.stateAfterEvents(
    version,
    prevs.map((p) => p.eventId),
  );
  const content = { msgtype: 'm.text', body };
  const authIds = selectAuthEventIds(
    'm.room.message',
    undefined,
    sender,
    content,
    version,
    rooms.roomState.lookup(stateBefore.state),
  );
  const template: JsonObject = {
    room_id: roomId,
    type: 'm.room.message',
    sender,
    content,
    depth: Math.max(0, ...prevs.map((p) => p.depth)) + 1,
    origin_server_ts: Date.now(),
    prev_events: prevs.map((p) => p.eventId),
    auth_events: authIds,
  };
  return signEvent(template, peer.config.serverName, peer.context.signingKey, version) as Pdu;
}

function typingEdu(userId: string): JsonObject {
  return { edu_type: 'm.typing', content: { room_id: roomId, user_id: userId, typing: true } };
}

/** PUT /send from `from` to A; the per-PDU results. */
async function sendTransaction(from: Homeserver, pdus: Pdu[], edus: JsonObject[]) {
  const answer = await from.context.federation.client.request<{ pdus: PduResults }>(
    a.config.serverName,
    'PUT',
    `${FED}/send/${enc(`acl-${Math.random()}`)}`,
    {
      body: { origin: from.config.serverName, origin_server_ts: Date.now(), pdus, edus },
    },
  );
  return answer.pdus;
}

async function refusal(promise: Promise<unknown>): Promise<{ status?: number; errcode?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FederationRequestError);
  const { status, errcode } = (error as FederationRequestError).details;
  return { status, errcode };
}

beforeAll(async () => {
  await initCrypto();
  [a, b, c] = await Promise.all([
    startTestHomeserver(),
    startTestHomeserver(),
    startTestHomeserver({
      configure: (config) => {
        config.listen.host = '127.0.0.2';
        config.serverName = `127.0.0.2:${config.listen.port}`;
      },
    }),
  ]);
  alice = `@alice:${a.config.serverName}`;
  bob = `@bob:${b.config.serverName}`;
  carol = `@carol:${c.config.serverName}`;
  recordInbound(b);
  recordInbound(c);
  roomId = a.context.rooms.creator.create({
    creator: alice,
    version,
    preset: 'public_chat',
    invite: [],
    initialState: [],
    creationContent: {},
    powerLevelContentOverride: undefined,
    isDirect: false,
  });
  for (const [peer, user] of [
    [b, bob],
    [c, carol],
  ] as const) {
    persistPeerEvent(a, peer, {
      roomId,
      sender: user,
      type: 'm.room.member',
      stateKey: user,
      content: { membership: 'join' },
    });
  }
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
});

describe('before any ACL', () => {
  it('A sends the room to both peers and takes PDUs and typing from both', async () => {
    const before = send({ msgtype: 'm.text', body: 'before' });
    await until('both peers to receive it', () =>
      [b, c].every((p) => received.get(p)?.pdus.includes(before)),
    );
    const fromC = peerMessage(c, carol, 'hello from C');
    const results = await sendTransaction(c, [fromC], [typingEdu(carol)]);
    expect(results[computeEventId(fromC, version)]).toEqual({});
    expect(a.context.sync.typing.typingIn(roomId).userIds).toContain(carol);
    a.context.sync.typing.setRemoteTyping(roomId, carol, false, 0);
  });
});

describe('with an ACL that denies C', () => {
  let aclId: string;

  beforeAll(async () => {
    aclId = send(
      { allow: ['*'], deny: ['127.0.0.2'], allow_ip_literals: true },
      'm.room.server_acl',
      '',
    );
    await until('B to receive the ACL', () => received.get(b)?.pdus.includes(aclId) ?? false);
  });

  it('drops C’s PDUs with a per-PDU error and ignores its typing, while B’s are taken', async () => {
    const fromC = peerMessage(c, carol, 'denied');
    const cResults = await sendTransaction(c, [fromC], [typingEdu(carol)]);
    const cId = computeEventId(fromC, version);
    expect(cResults[cId]?.error).toMatch(/denied by the server ACL/);
    expect(a.context.rooms.eventStore.getEvent(cId)).toBeUndefined();
    expect(a.context.sync.typing.typingIn(roomId).userIds).not.toContain(carol);

    const fromB = peerMessage(b, bob, 'allowed');
    const bResults = await sendTransaction(b, [fromB], [typingEdu(bob)]);
    expect(bResults[computeEventId(fromB, version)]).toEqual({});
    expect(a.context.rooms.eventStore.getEvent(computeEventId(fromB, version))).toBeDefined();
    expect(a.context.sync.typing.typingIn(roomId).userIds).toContain(bob);
  });

  it('ignores C’s receipts for the room', async () => {
    const target = send({ msgtype: 'm.text', body: 'read me' });
    const receipt = (user: string) => ({
      edu_type: 'm.receipt',
      content: { [roomId]: { 'm.read': { [user]: { event_ids: [target], data: { ts: 1 } } } } },
    });
    await sendTransaction(c, [], [receipt(carol)]);
    await sendTransaction(b, [], [receipt(bob)]);
    const content = JSON.stringify(
      a.context.sync.receipts
        .receiptContentFor([roomId], 0, Number.MAX_SAFE_INTEGER, alice)
        .get(roomId),
    );
    expect(content).toContain(bob);
    expect(content).not.toContain(carol);
  });

  it('refuses C’s make_join, send_join, make_leave, send_leave, make_knock and invite with 403', async () => {
    const forbidden = { status: 403, errcode: 'M_FORBIDDEN' };
    const from = c.context.federation.client;
    const to = a.config.serverName;
    const vers = { query: { ver: [DEFAULT_ROOM_VERSION] } };
    const dave = `@dave:${c.config.serverName}`;
    expect(
      await refusal(from.request(to, 'GET', `${FED}/make_join/${enc(roomId)}/${enc(dave)}`, vers)),
    ).toEqual(forbidden);
    expect(
      await refusal(from.request(to, 'GET', `${FED}/make_leave/${enc(roomId)}/${enc(carol)}`)),
    ).toEqual(forbidden);
    expect(
      await refusal(from.request(to, 'GET', `${FED}/make_knock/${enc(roomId)}/${enc(dave)}`, vers)),
    ).toEqual(forbidden);
    for (const path of [
      `${FED2}/send_join/${enc(roomId)}/${enc('$x')}`,
      `${FED2}/send_leave/${enc(roomId)}/${enc('$x')}`,
      `${FED}/send_knock/${enc(roomId)}/${enc('$x')}`,
      `${FED2}/invite/${enc(roomId)}/${enc('$x')}`,
    ]) {
      expect(await refusal(from.request(to, 'PUT', path, { body: {} }))).toEqual(forbidden);
    }
    // The same handshake from B goes through.
    const eve = `@eve:${b.config.serverName}`;
    const made = await b.context.federation.client.request<JsonObject>(
      to,
      'GET',
      `${FED}/make_join/${enc(roomId)}/${enc(eve)}`,
      vers,
    );
    expect((made['event'] as JsonObject)['type']).toBe('m.room.member');
  });

  it('never queues or sends the room’s PDUs or typing to C, but does to B', async () => {
    const after = send({ msgtype: 'm.text', body: 'after' });
    a.context.sync.typing.setLocalTyping(roomId, alice, true, 30_000);
    await until('B to receive the message and typing', () => {
      const log = received.get(b);
      return (log?.pdus.includes(after) ?? false) && (log?.edus.includes('m.typing') ?? false);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const cLog = received.get(c);
    expect(cLog?.pdus).not.toContain(aclId);
    expect(cLog?.pdus).not.toContain(after);
    expect(cLog?.edus).not.toContain('m.typing');
    const cQueue = a.context.federation.outboundQueue
      .status()
      .find((d) => d.destination === c.config.serverName);
    expect(cQueue?.queued ?? 0).toBe(0);
  });
});
