import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FederationRequestError } from '../federation-client/federation-request-error';
import type { FederationRequestOptions } from '../federation-client/federation-http-client';
import { RemoteRoomApi } from '../federation-events/remote-room-api';
import { UNABLE_DUE_TO_PARTIAL_STATE } from '../federation-events/server-room-access';
import type { Homeserver } from '../homeserver';
import type { JsonObject, JsonValue } from '../rules/json';
import { stateKey } from '../rules/events/state-map';
import { computeEventId } from '../rules/hashes/event-id';
import { createEventIdOfRoom } from '../rules/identifiers/room-id';
import { DEFAULT_ROOM_VERSION, getRoomVersion } from '../rules/room-versions';
import { authChain } from '../rules/state-resolution/auth-chain';
import { initCrypto } from '../rules/signing/sodium';
import type { Pdu } from '../rules/events/pdu';
import { persistPeerEvent } from '../testing/peer-room-events';
import { startTestHomeserver } from '../testing/test-homeserver';

const version = getRoomVersion(DEFAULT_ROOM_VERSION);
const FED = '/_matrix/federation/v1';
const enc = encodeURIComponent;

/** A is the resident server under test, B a peer with a joined user, C a server never in any room. */
let a: Homeserver;
let b: Homeserver;
let c: Homeserver;
let alice: string;
let bob: string;
let api: RemoteRoomApi;

beforeAll(async () => {
  await initCrypto();
  [a, b, c] = await Promise.all([
    startTestHomeserver(),
    startTestHomeserver(),
    startTestHomeserver(),
  ]);
  alice = `@alice:${a.config.serverName}`;
  bob = `@bob:${b.config.serverName}`;
  api = new RemoteRoomApi(b.context.federation.client);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
});

function createRoom(historyVisibility?: string): string {
  const roomId = a.context.rooms.creator.create({
    creator: alice,
    version,
    preset: 'public_chat',
    invite: [],
    initialState:
      historyVisibility === undefined
        ? []
        : [
            {
              type: 'm.room.history_visibility',
              stateKey: '',
              content: { history_visibility: historyVisibility },
            },
          ],
    creationContent: {},
    powerLevelContentOverride: undefined,
    isDirect: false,
  });
  return roomId;
}

function send(roomId: string, content: JsonObject, type = 'm.room.message', key?: string): string {
  return a.context.rooms.sender.send({
    roomId,
    type,
    sender: alice,
    content,
    ...(key === undefined ? {} : { stateKey: key }),
  }).event.eventId;
}

function joinBob(roomId: string): string {
  return persistPeerEvent(a, b, {
    roomId,
    sender: bob,
    type: 'm.room.member',
    stateKey: bob,
    content: { membership: 'join' },
  }).eventId;
}

/** A signed request from `from` to A. */
function ask(
  path: string,
  options: FederationRequestOptions & { method?: 'GET' | 'POST' } = {},
  from: Homeserver = b,
): Promise<JsonObject> {
  const { method = 'GET', ...rest } = options;
  return from.context.federation.client.request(
    a.config.serverName,
    method,
    path,
    rest,
  ) as Promise<JsonObject>;
}

async function failure(promise: Promise<unknown>): Promise<{ status?: number; errcode?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FederationRequestError);
  const { status, errcode } = (error as FederationRequestError).details;
  return { status, errcode };
}

const idOf = (pdu: unknown): string => computeEventId(pdu as Pdu, version);

/** The rules' auth chain, plus the create event that v12+ events cite only through the room ID. */
function expectedChain(roomId: string, ids: readonly string[]): string[] {
  const chain = authChain(ids, (id) => a.context.rooms.eventStore.getEvent(id));
  if (version.roomIdFromCreateEvent) chain.add(createEventIdOfRoom(roomId));
  return [...chain].sort();
}

describe('the shared room', () => {
  let roomId: string;
  let topic1: string;
  let topic2: string;
  let bobJoin: string;
  const messages: string[] = [];

  beforeAll(() => {
    roomId = createRoom();
    topic1 = send(roomId, { topic: 'one' }, 'm.room.topic', '');
    bobJoin = joinBob(roomId);
    topic2 = send(roomId, { topic: 'two' }, 'm.room.topic', '');
    for (let i = 0; i < 110; i++) messages.push(send(roomId, { msgtype: 'm.text', body: `${i}` }));
  });

  it('GET /event answers {origin, origin_server_ts, pdus: [pdu]} with the stored PDU', async () => {
    const before = Date.now();
    const body = await ask(`${FED}/event/${enc(topic2)}`);
    expect(Object.keys(body).sort()).toEqual(['origin', 'origin_server_ts', 'pdus']);
    expect(body['origin']).toBe(a.config.serverName);
    expect(body['origin_server_ts']).toBeGreaterThanOrEqual(before);
    const pdus = body['pdus'] as JsonValue[];
    expect(pdus).toHaveLength(1);
    expect(pdus[0]).toEqual(a.context.rooms.eventStore.getEvent(topic2)?.pdu);
    expect(idOf(pdus[0])).toBe(topic2);
    // The event pipeline's client reads it too.
    expect(idOf(await api.event(a.config.serverName, bobJoin))).toBe(bobJoin);
  });

  it('GET /state_ids before a state event lists what it replaced, not itself', async () => {
    const { pduIds, authChainIds } = await api.stateIds(a.config.serverName, roomId, topic2);
    expect(pduIds).toContain(topic1);
    expect(pduIds).not.toContain(topic2);
    expect(pduIds).toContain(bobJoin);
    const groups = a.context.rooms.eventStore.getEventState(topic2);
    const expected = [...a.context.rooms.stateStore.getState(groups?.before as number).values()];
    expect([...pduIds].sort()).toEqual(expected.sort());
    expect([...authChainIds].sort()).toEqual(expectedChain(roomId, pduIds));
  });

  it('GET /state_ids at a message is the state at that point, and /state has the same events', async () => {
    const at = messages[0] as string;
    const ids = await ask(`${FED}/state_ids/${enc(roomId)}`, { query: { event_id: at } });
    expect(Object.keys(ids).sort()).toEqual(['auth_chain_ids', 'pdu_ids']);
    expect(ids['pdu_ids']).toContain(topic2);
    const full = await api.state(a.config.serverName, roomId, at);
    expect(full.pdus.map(idOf).sort()).toEqual([...(ids['pdu_ids'] as string[])].sort());
    expect(full.authChain.map(idOf).sort()).toEqual(
      [...(ids['auth_chain_ids'] as string[])].sort(),
    );
  });

  it('GET /event_auth gives the full auth chain of the event, without the event', async () => {
    const chain = await api.eventAuth(a.config.serverName, roomId, topic2);
    const ids = chain.map(idOf);
    expect([...ids].sort()).toEqual(expectedChain(roomId, [topic2]));
    expect(ids).not.toContain(topic2);
    const create = a.context.rooms.currentState.getCurrentStateEventId(roomId, 'm.room.create', '');
    expect(ids).toContain(create);
  });

  it('POST /get_missing_events walks back from latest, oldest first, within the limit', async () => {
    const latest = messages[30] as string;
    const events = await api.missingEvents(a.config.serverName, roomId, {
      earliest: [messages[9] as string],
      latest: [latest],
      limit: 5,
      minDepth: 0,
    });
    expect(events.map(idOf)).toEqual(messages.slice(25, 30));
    const stopped = await ask(`${FED}/get_missing_events/${enc(roomId)}`, {
      method: 'POST',
      body: { earliest_events: [messages[26] as string], latest_events: [latest] },
    });
    expect(Object.keys(stopped)).toEqual(['events']);
    expect((stopped['events'] as JsonValue[]).map(idOf)).toEqual(messages.slice(27, 30));
    const capped = await api.missingEvents(a.config.serverName, roomId, {
      earliest: [],
      latest: [messages[100] as string],
      limit: 500,
      minDepth: 0,
    });
    expect(capped.map(idOf)).toEqual(messages.slice(80, 100));
  });

  it('GET /backfill goes back from v, newest first, with the limit capped at 100', async () => {
    const body = await ask(`${FED}/backfill/${enc(roomId)}`, {
      query: { v: messages[50] as string, limit: 4 },
    });
    expect(Object.keys(body).sort()).toEqual(['origin', 'origin_server_ts', 'pdus']);
    expect((body['pdus'] as JsonValue[]).map(idOf)).toEqual([
      messages[50],
      messages[49],
      messages[48],
      messages[47],
    ]);
    const all = await ask(`${FED}/backfill/${enc(roomId)}`, {
      query: { v: [messages[109] as string, messages[5] as string], limit: 1000 },
    });
    const pdus = all['pdus'] as JsonValue[];
    expect(pdus).toHaveLength(100);
    expect(idOf(pdus[0])).toBe(messages[109]);
  });

  it('refuses a server that is not in the room with 403 M_FORBIDDEN', async () => {
    const at = messages[0] as string;
    const forbidden = { status: 403, errcode: 'M_FORBIDDEN' };
    expect(await failure(ask(`${FED}/event/${enc(at)}`, {}, c))).toEqual(forbidden);
    expect(
      await failure(ask(`${FED}/state_ids/${enc(roomId)}`, { query: { event_id: at } }, c)),
    ).toEqual(forbidden);
    expect(
      await failure(ask(`${FED}/state/${enc(roomId)}`, { query: { event_id: at } }, c)),
    ).toEqual(forbidden);
    expect(await failure(ask(`${FED}/event_auth/${enc(roomId)}/${enc(at)}`, {}, c))).toEqual(
      forbidden,
    );
    expect(
      await failure(ask(`${FED}/backfill/${enc(roomId)}`, { query: { v: at, limit: 5 } }, c)),
    ).toEqual(forbidden);
    expect(
      await failure(
        ask(
          `${FED}/get_missing_events/${enc(roomId)}`,
          { method: 'POST', body: { earliest_events: [], latest_events: [at] } },
          c,
        ),
      ),
    ).toEqual(forbidden);
  });

  it('answers 404 M_NOT_FOUND for unknown events and rooms', async () => {
    const notFound = { status: 404, errcode: 'M_NOT_FOUND' };
    expect(await failure(ask(`${FED}/event/${enc('$nope')}`))).toEqual(notFound);
    expect(
      await failure(ask(`${FED}/state_ids/${enc(roomId)}`, { query: { event_id: '$nope' } })),
    ).toEqual(notFound);
    expect(await failure(ask(`${FED}/event_auth/${enc(roomId)}/${enc('$nope')}`))).toEqual(
      notFound,
    );
    expect(
      await failure(ask(`${FED}/state_ids/${enc('!unknown:x')}`, { query: { event_id: topic2 } })),
    ).toEqual(notFound);
  });

  it('answers 400, never 500, for malformed parameters', async () => {
    const room = enc(roomId);
    const cases: [() => Promise<unknown>, string][] = [
      [() => ask(`${FED}/state_ids/${room}`), 'M_MISSING_PARAM'],
      [() => ask(`${FED}/state_ids/${room}`, { query: { event_id: 'nope' } }), 'M_INVALID_PARAM'],
      [
        () => ask(`${FED}/state/${room}`, { query: { event_id: [topic1, topic2] } }),
        'M_INVALID_PARAM',
      ],
      [
        () => ask(`${FED}/state_ids/not-a-room`, { query: { event_id: topic2 } }),
        'M_INVALID_PARAM',
      ],
      [() => ask(`${FED}/event/not-an-event`), 'M_INVALID_PARAM'],
      [() => ask(`${FED}/backfill/${room}`, { query: { limit: 5 } }), 'M_MISSING_PARAM'],
      [() => ask(`${FED}/backfill/${room}`, { query: { v: topic2 } }), 'M_MISSING_PARAM'],
      [
        () => ask(`${FED}/backfill/${room}`, { query: { v: topic2, limit: 'ten' } }),
        'M_INVALID_PARAM',
      ],
      [
        () => ask(`${FED}/backfill/${room}`, { query: { v: topic2, limit: -1 } }),
        'M_INVALID_PARAM',
      ],
      [
        () => ask(`${FED}/get_missing_events/${room}`, { method: 'POST', body: {} }),
        'M_MISSING_PARAM',
      ],
      [
        () =>
          ask(`${FED}/get_missing_events/${room}`, {
            method: 'POST',
            body: { earliest_events: 'x', latest_events: [] },
          }),
        'M_BAD_JSON',
      ],
      [
        () =>
          ask(`${FED}/get_missing_events/${room}`, {
            method: 'POST',
            body: { earliest_events: [], latest_events: [topic2], limit: 'x' },
          }),
        'M_BAD_JSON',
      ],
      [
        () =>
          ask(`${FED}/get_missing_events/${room}`, {
            method: 'POST',
            body: { earliest_events: [], latest_events: [topic2], limit: -3 },
          }),
        'M_INVALID_PARAM',
      ],
      [() => ask(`${FED}/get_missing_events/${room}`, { method: 'POST', body: [1] }), 'M_BAD_JSON'],
      [() => ask(`${FED}/get_missing_events/${room}`, { method: 'POST' }), 'M_BAD_JSON'],
      [() => ask(`${FED}/query/profile`), 'M_MISSING_PARAM'],
      [() => ask(`${FED}/query/profile`, { query: { user_id: 'nobody' } }), 'M_INVALID_PARAM'],
      [
        () => ask(`${FED}/query/profile`, { query: { user_id: alice, field: 'x' } }),
        'M_INVALID_PARAM',
      ],
      [() => ask(`${FED}/query/directory`), 'M_MISSING_PARAM'],
      [() => ask(`${FED}/query/directory`, { query: { room_alias: 'nope' } }), 'M_INVALID_PARAM'],
    ];
    for (const [request, errcode] of cases) {
      expect(await failure(request())).toEqual({ status: 400, errcode });
    }
  });

  it('needs a signed request', async () => {
    const error = await failure(
      b.context.federation.client.request(
        a.config.serverName,
        'GET',
        `${FED}/event/${enc(topic2)}`,
        {
          signed: false,
        },
      ),
    );
    expect(error.status).toBe(401);
  });
});

describe('event IDs with "/" and "+" (room v3 standard base64)', () => {
  it('are found through their percent-encoded path segment', async () => {
    const v3 = getRoomVersion('3');
    const roomId = a.context.rooms.creator.create({
      creator: alice,
      version: v3,
      preset: 'public_chat',
      invite: [],
      initialState: [],
      creationContent: {},
      powerLevelContentOverride: undefined,
      isDirect: false,
    });
    joinBob(roomId);
    for (let i = 0; i < 20; i++) send(roomId, { msgtype: 'm.text', body: `${i}` });
    const ids = (
      await ask(`${FED}/backfill/${enc(roomId)}`, {
        query: { v: a.context.rooms.eventStore.getForwardExtremities(roomId), limit: 100 },
      })
    )['pdus'] as Pdu[];
    const eventIds = ids.map((pdu) => computeEventId(pdu, v3));
    // 25 IDs of 43 random base64 characters: some "/" or "+" is all but certain.
    expect(eventIds.some((id) => id.includes('/') || id.includes('+'))).toBe(true);
    for (const id of eventIds) {
      const body = await ask(`${FED}/event/${enc(id)}`);
      expect(computeEventId((body['pdus'] as Pdu[])[0] as Pdu, v3)).toBe(id);
    }
  });
});

describe('history visibility towards servers', () => {
  it('serves events the server may not see redacted, and redacted events redacted', async () => {
    const roomId = createRoom('joined');
    const secret = send(roomId, { msgtype: 'm.text', body: 'before bob' });
    joinBob(roomId);
    const shared = send(roomId, { msgtype: 'm.text', body: 'after bob' });
    const gone = send(roomId, { msgtype: 'm.text', body: 'regret' });
    a.context.rooms.sender.send({
      roomId,
      type: 'm.room.redaction',
      sender: alice,
      content: {},
      redacts: gone,
    });

    const hidden = (await api.event(a.config.serverName, secret)) as Pdu;
    expect(hidden.content).toEqual({});
    expect(idOf(hidden)).toBe(secret);
    const visible = (await api.event(a.config.serverName, shared)) as Pdu;
    expect(visible.content['body']).toBe('after bob');
    const redacted = (await api.event(a.config.serverName, gone)) as Pdu;
    expect(redacted.content).toEqual({});
    expect(idOf(redacted)).toBe(gone);
  });
});

describe('a partial-stated room', () => {
  let roomId: string;
  let bobMessage: string;
  let last: string;

  beforeAll(() => {
    roomId = createRoom();
    joinBob(roomId);
    bobMessage = persistPeerEvent(a, b, {
      roomId,
      sender: bob,
      type: 'm.room.message',
      content: { msgtype: 'm.text', body: 'from bob' },
    }).eventId;
    last = send(roomId, { msgtype: 'm.text', body: 'from alice' });
    a.context.database.sqlite
      .prepare('INSERT INTO partial_state_rooms (room_id, joined_via) VALUES (?, ?)')
      .run(roomId, b.config.serverName);
  });

  it(`refuses /state, /state_ids, /event_auth and /event with ${UNABLE_DUE_TO_PARTIAL_STATE}`, async () => {
    const expected = { status: 403, errcode: UNABLE_DUE_TO_PARTIAL_STATE };
    const room = enc(roomId);
    expect(await failure(ask(`${FED}/state_ids/${room}`, { query: { event_id: last } }))).toEqual(
      expected,
    );
    expect(await failure(ask(`${FED}/state/${room}`, { query: { event_id: last } }))).toEqual(
      expected,
    );
    expect(await failure(ask(`${FED}/event_auth/${room}/${enc(last)}`))).toEqual(expected);
    expect(await failure(ask(`${FED}/event/${enc(last)}`))).toEqual(expected);
  });

  it('serves only our own events from /backfill and /get_missing_events', async () => {
    const backfilled = await ask(`${FED}/backfill/${enc(roomId)}`, {
      query: { v: last, limit: 100 },
    });
    const ids = (backfilled['pdus'] as JsonValue[]).map(idOf);
    expect(ids[0]).toBe(last);
    expect(ids).not.toContain(bobMessage);
    for (const pdu of backfilled['pdus'] as Pdu[]) expect(pdu.sender).toBe(alice);
    const missing = await api.missingEvents(a.config.serverName, roomId, {
      earliest: [],
      latest: [last],
      limit: 20,
      minDepth: 0,
    });
    expect(missing.length).toBeGreaterThan(3);
    for (const pdu of missing as Pdu[]) expect(pdu.sender).toBe(alice);
  });
});

describe('server ACLs', () => {
  it('refuse a denied origin with 403 M_FORBIDDEN even though it is in the room', async () => {
    const roomId = createRoom();
    joinBob(roomId);
    const at = send(roomId, { msgtype: 'm.text', body: 'hi' });
    await expect(api.stateIds(a.config.serverName, roomId, at)).resolves.toBeDefined();
    const bHost = b.config.serverName.split(':')[0] as string;
    const acl = send(roomId, { allow: ['*'], deny: [bHost] }, 'm.room.server_acl', '');
    expect(
      a.context.rooms.currentState.getCurrentState(roomId).get(stateKey('m.room.server_acl', '')),
    ).toBe(acl);
    const forbidden = { status: 403, errcode: 'M_FORBIDDEN' };
    expect(
      await failure(ask(`${FED}/state_ids/${enc(roomId)}`, { query: { event_id: at } })),
    ).toEqual(forbidden);
    expect(await failure(ask(`${FED}/event/${enc(at)}`))).toEqual(forbidden);
    expect(
      await failure(ask(`${FED}/backfill/${enc(roomId)}`, { query: { v: at, limit: 5 } })),
    ).toEqual(forbidden);
    expect(
      await failure(
        ask(`${FED}/get_missing_events/${enc(roomId)}`, {
          method: 'POST',
          body: { earliest_events: [], latest_events: [at] },
        }),
      ),
    ).toEqual(forbidden);
  });
});

describe('queries', () => {
  it('GET /query/profile answers a local profile, one field on request, 404 otherwise', async () => {
    const { userId } = await a.context.accounts.register({
      username: 'carol',
      password: undefined,
      deviceId: undefined,
      initialDeviceDisplayName: undefined,
      inhibitLogin: true,
    });
    a.context.accounts.setAvatarUrl(userId, 'mxc://example.org/avatar');
    expect(await ask(`${FED}/query/profile`, { query: { user_id: userId } })).toEqual({
      displayname: 'carol',
      avatar_url: 'mxc://example.org/avatar',
    });
    expect(
      await ask(`${FED}/query/profile`, { query: { user_id: userId, field: 'displayname' } }),
    ).toEqual({ displayname: 'carol' });
    expect(
      await ask(`${FED}/query/profile`, { query: { user_id: userId, field: 'avatar_url' } }),
    ).toEqual({ avatar_url: 'mxc://example.org/avatar' });
    const notFound = { status: 404, errcode: 'M_NOT_FOUND' };
    expect(
      await failure(
        ask(`${FED}/query/profile`, { query: { user_id: `@ghost:${a.config.serverName}` } }),
      ),
    ).toEqual(notFound);
    expect(await failure(ask(`${FED}/query/profile`, { query: { user_id: bob } }))).toEqual(
      notFound,
    );
  });

  it('GET /query/directory resolves our alias with our server first, 404 otherwise', async () => {
    const roomId = createRoom();
    joinBob(roomId);
    const alias = `#lobby:${a.config.serverName}`;
    a.context.rooms.aliases.create(alias, roomId, alice, 'directory');
    expect(await api.queryDirectory(a.config.serverName, alias)).toEqual({
      roomId,
      servers: [a.config.serverName, b.config.serverName],
    });
    const body = await ask(`${FED}/query/directory`, { query: { room_alias: alias } });
    expect(Object.keys(body).sort()).toEqual(['room_id', 'servers']);
    const notFound = { status: 404, errcode: 'M_NOT_FOUND' };
    expect(
      await failure(
        ask(`${FED}/query/directory`, { query: { room_alias: `#none:${a.config.serverName}` } }),
      ),
    ).toEqual(notFound);
    expect(
      await failure(
        ask(`${FED}/query/directory`, { query: { room_alias: `#x:${b.config.serverName}` } }),
      ),
    ).toEqual(notFound);
  });
});
