/**
 * The peer against itself over real loopback HTTPS: a second peer plays the joiner, so these
 * tests pin the resident-side shapes the peer serves and the fault controls tests rely on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateKeyOf } from './dag-event';
import { contentHash } from './peer-event-hashes';
import { hashAndSignPdu } from './peer-event-signing';
import type { PeerJsonObject } from './peer-json';
import { redactPdu } from './peer-redaction';
import type { PeerRoomVersionId } from './peer-room-versions';
import { verifyJsonSignature } from './peer-signing-key';
import type { ScriptedRoom } from './scripted-room';
import { TestPeer } from './test-peer';

let resident: TestPeer;
let joiner: TestPeer;

beforeAll(async () => {
  [resident, joiner] = await Promise.all([TestPeer.start(), TestPeer.start()]);
});

afterAll(async () => {
  await Promise.all([resident?.stop(), joiner?.stop()]);
});

const enc = encodeURIComponent;

/** make_join + sign + send_join, as the joining peer. */
async function joinVia(room: ScriptedRoom, localpart: string, query: string) {
  const userId = joiner.user(localpart);
  const made = await joiner.federationRequest(
    resident.serverName,
    'GET',
    `/_matrix/federation/v1/make_join/${enc(room.roomId)}/${enc(userId)}?ver=10&ver=11&ver=12`,
  );
  expect(made.status).toBe(200);
  const template = (made.body as { event: PeerJsonObject }).event;
  const { pdu, eventId } = hashAndSignPdu(
    { ...template, origin_server_ts: Date.now() },
    joiner.serverName,
    joiner.signingKey,
    room.version,
  );
  const sent = await joiner.federationRequest(
    resident.serverName,
    'PUT',
    `/_matrix/federation/v2/send_join/${enc(room.roomId)}/${enc(eventId)}${query}`,
    pdu,
  );
  return { sent, eventId, userId };
}

function typesAndKeys(events: unknown): string[] {
  return (events as PeerJsonObject[])
    .map((e) => `${String(e['type'])}|${String(e['state_key'])}`)
    .sort();
}

describe('send_join served by the test peer', () => {
  for (const version of ['10', '11', '12'] as PeerRoomVersionId[]) {
    it(`omits members of a 2-user v${version} room: create, PL, join rules, history, both heroes`, async () => {
      const room = resident.createRoom({ version });
      const alice = resident.user('alice');
      const bob = resident.user('bob');
      room.join(bob);
      room.sendMessage(alice, 'before the join');
      const { sent, eventId } = await joinVia(room, `charlie${version}`, '?omit_members=true');
      expect(sent.status).toBe(200);
      const body = sent.body as PeerJsonObject;
      expect(typesAndKeys(body['state'])).toEqual(
        [
          `m.room.create|`,
          `m.room.power_levels|`,
          `m.room.join_rules|`,
          `m.room.history_visibility|`,
          `m.room.member|${alice}`,
          `m.room.member|${bob}`,
        ].sort(),
      );
      expect(body['auth_chain']).toEqual([]);
      expect(body['members_omitted']).toBe(true);
      expect(body['servers_in_room']).toEqual([resident.serverName]);
      expect(body['origin']).toBe(resident.serverName);
      // The join is now part of the peer's DAG, so later answers include it.
      expect(room.forwardExtremities()).toEqual([eventId]);
      expect(room.membership(joiner.user(`charlie${version}`))).toBe('join');
    });
  }

  it('v12: room ID from the create event, which has no room_id and is never an auth event', () => {
    const room = resident.createRoom({ version: '12' });
    const create = room.createEvent;
    expect(room.roomId).toBe(`!${create.eventId.slice(1)}`);
    expect(create.pdu['room_id']).toBeUndefined();
    expect(room.events.every((e) => !e.authEvents.includes(create.eventId))).toBe(true);
    const levels = room.stateEvent('m.room.power_levels', '');
    expect(levels?.content['users']).toEqual({});
  });

  it('answers the full state when not asked to omit members, or when switched to', async () => {
    const room = resident.createRoom({ version: '11', name: 'Named' });
    room.join(resident.user('bob'));
    const full = await joinVia(room, 'dave', '?omit_members=false');
    const fullBody = full.sent.body as PeerJsonObject;
    expect(fullBody['members_omitted']).toBe(false);
    expect(typesAndKeys(fullBody['state'])).toContain(`m.room.member|${resident.user('bob')}`);
    expect(fullBody['servers_in_room']).toBeUndefined();

    resident.switches.serveFullState = true;
    try {
      const forced = await joinVia(room, 'erin', '?omit_members=true');
      const forcedBody = forced.sent.body as PeerJsonObject;
      expect(forcedBody['members_omitted']).toBe(false);
      expect(typesAndKeys(forcedBody['state'])).toContain(`m.room.member|${joiner.user('dave')}`);
    } finally {
      resident.switches.serveFullState = false;
    }
  });

  it("in a named room keeps only the joiner's prior membership; honours the unstable names", async () => {
    const room = resident.createRoom({ version: '10', name: 'Named' });
    room.join(resident.user('bob'));
    room.invite(resident.user('alice'), joiner.user('fred'));
    const { sent } = await joinVia(room, 'fred', '?org.matrix.msc3706.partial_state=true');
    const body = sent.body as PeerJsonObject;
    const members = typesAndKeys(body['state']).filter((k) => k.startsWith('m.room.member'));
    expect(members).toEqual([`m.room.member|${joiner.user('fred')}`]);
    expect(body['org.matrix.msc3706.partial_state']).toBe(true);
    expect(body['org.matrix.msc3706.servers_in_room']).toEqual([resident.serverName]);
    // Alice's join (auth of the invite, PL, ...) is in the auth chain but not in state.
    expect(typesAndKeys(body['auth_chain'])).toEqual([`m.room.member|${resident.user('alice')}`]);
  });

  it('rejects an omit_members value other than true/false', async () => {
    const room = resident.createRoom({ version: '11' });
    const { sent } = await joinVia(room, 'gina', '?omit_members=yes');
    expect(sent.status).toBe(400);
    expect((sent.body as PeerJsonObject)['errcode']).toBe('M_INVALID_PARAM');
  });
});

describe('crafted events', () => {
  it('a user who left sends a state event citing his stale join; the script rejects it', () => {
    const room = resident.createRoom({ version: '11' });
    const alice = resident.user('alice');
    const mallory = resident.user('mallory');
    const staleJoin = room.join(mallory);
    room.setUserPowerLevel(alice, mallory, 50);
    room.leave(mallory);
    const forged = room.setTopic(mallory, 'still here', {
      authEvents: [
        room.createEvent.eventId,
        room.stateEvent('m.room.power_levels', '')?.eventId ?? '',
        staleJoin.eventId,
      ],
      rejected: true,
    });
    expect(forged.authEvents).toContain(staleJoin.eventId);
    expect(room.stateEvent('m.room.topic', '')).toBeUndefined();
    expect(room.forwardExtremities()).not.toContain(forged.eventId);
  });

  it('a kick valid only under partial state: the kicker left before the join, cites his stale join', async () => {
    const room = resident.createRoom({ version: '11', name: 'No heroes here' });
    const alice = resident.user('alice');
    const bob = resident.user('bob');
    const mallory = resident.user('mallory');
    room.join(bob);
    room.join(mallory);
    const promoted = room.setUserPowerLevel(alice, mallory, 50);
    room.leave(mallory);
    const { sent, userId } = await joinVia(room, 'hank', '?omit_members=true');
    // The joiner never hears of mallory: named room, so no heroes, and members are omitted.
    const stateKeys = typesAndKeys((sent.body as PeerJsonObject)['state']);
    expect(stateKeys.filter((k) => k.startsWith('m.room.member'))).toEqual([]);
    expect(room.membership(userId)).toBe('join');
    const kick = room.kick(mallory, bob, 'stale power', {
      authEvents: room.authEventsAt(promoted.eventId, {
        type: 'm.room.member',
        stateKey: bob,
        sender: mallory,
        content: { membership: 'leave' },
      }),
      rejected: true,
    });
    const malloryJoin = room.events.find(
      (e) => e.stateKey === mallory && e.content['membership'] === 'join',
    );
    expect(kick.authEvents).toContain(malloryJoin?.eventId);
    expect(kick.authEvents).toContain(promoted.eventId);
    // In the script's (full-state) truth the kick is rejected: bob stays joined.
    expect(room.membership(bob)).toBe('join');
    expect(room.membership(mallory)).toBe('leave');
  });

  it('bad hash keeps the event ID and signature valid; bad signature fails to verify', () => {
    const room = resident.createRoom({ version: '11' });
    const alice = resident.user('alice');
    const badHash = room.sendMessage(alice, 'tampered', { tamper: 'hash' });
    const hashes = badHash.pdu['hashes'] as PeerJsonObject;
    expect(hashes['sha256']).not.toBe(contentHash(badHash.pdu));
    const key = resident.signingKey;
    expect(
      verifyJsonSignature(
        redactPdu(badHash.pdu, room.version),
        resident.serverName,
        key.keyId,
        key.publicKeyBase64,
      ),
    ).toBe(true);
    const badSig = room.sendMessage(alice, 'forged', { tamper: 'signature' });
    expect(
      verifyJsonSignature(
        redactPdu(badSig.pdu, room.version),
        resident.serverName,
        key.keyId,
        key.publicKeyBase64,
      ),
    ).toBe(false);
  });

  it('forks with chosen prev events, and merges by the documented rule or an explicit state', () => {
    const room = resident.createRoom({ version: '11' });
    const alice = resident.user('alice');
    const base = room.forwardExtremities();
    const left = room.setTopic(alice, 'left', { prevEvents: base });
    const right = room.setTopic(alice, 'right', { prevEvents: base });
    expect(new Set(room.forwardExtremities())).toEqual(new Set([left.eventId, right.eventId]));
    const merge = room.sendMessage(alice, 'merge');
    expect(merge.prevEvents).toEqual([left.eventId, right.eventId]);
    // Conflict: the entry learned last wins.
    expect(merge.stateBefore.get(stateKeyOf('m.room.topic', ''))).toBe(right.eventId);
    const explicit = new Map(merge.stateBefore);
    explicit.set(stateKeyOf('m.room.topic', ''), left.eventId);
    const merge2 = room.sendMessage(alice, 'merge2', {
      prevEvents: [left.eventId, right.eventId],
      stateBefore: explicit,
    });
    expect(merge2.stateAfter.get(stateKeyOf('m.room.topic', ''))).toBe(left.eventId);
  });
});

describe('room data endpoints and controls', () => {
  it('serves state_ids (state before the event), event, get_missing_events and backfill', async () => {
    const room = resident.createRoom({ version: '11' });
    const alice = resident.user('alice');
    const topic = room.setTopic(alice, 'one');
    const m1 = room.sendMessage(alice, 'm1');
    const m2 = room.sendMessage(alice, 'm2');
    const base = `/_matrix/federation/v1`;
    const ids = await joiner.federationRequest(
      resident.serverName,
      'GET',
      `${base}/state_ids/${enc(room.roomId)}?event_id=${enc(topic.eventId)}`,
    );
    const pduIds = (ids.body as { pdu_ids: string[] }).pdu_ids;
    // create, alice's join, power levels, join rules, history visibility.
    expect(pduIds).toHaveLength(5);
    expect(pduIds).not.toContain(topic.eventId);
    const event = await joiner.federationRequest(
      resident.serverName,
      'GET',
      `${base}/event/${enc(m1.eventId)}`,
    );
    expect((event.body as { pdus: PeerJsonObject[] }).pdus[0]).toEqual(m1.pdu);
    const missing = await joiner.federationRequest(
      resident.serverName,
      'POST',
      `${base}/get_missing_events/${enc(room.roomId)}`,
      { earliest_events: [topic.eventId], latest_events: [m2.eventId], limit: 10, min_depth: 0 },
    );
    expect((missing.body as { events: PeerJsonObject[] }).events).toEqual([m1.pdu]);
    const backfill = await joiner.federationRequest(
      resident.serverName,
      'GET',
      `${base}/backfill/${enc(room.roomId)}?v=${enc(m2.eventId)}&limit=2`,
    );
    expect((backfill.body as { pdus: PeerJsonObject[] }).pdus).toEqual([m2.pdu, m1.pdu]);
    const logged = resident.requests('get_missing_events').at(-1);
    expect(logged?.origin).toBe(joiner.serverName);
    expect((logged?.body as PeerJsonObject)['latest_events']).toEqual([m2.eventId]);
  });

  it('holds, fails, drops and replaces answers on command, and logs every request', async () => {
    const room = resident.createRoom({ version: '11' });
    const path = `/_matrix/federation/v1/state_ids/${enc(room.roomId)}?event_id=${enc(room.createEvent.eventId)}`;
    const held = resident.hold('state_ids');
    const pending = joiner.federationRequest(resident.serverName, 'GET', path);
    await held.arrived(1);
    expect(held.waiting).toBe(1);
    expect(resident.requests('state_ids').at(-1)?.status).toBeUndefined();
    held.release();
    expect((await pending).status).toBe(200);

    resident.fail('state_ids', 503, 'M_UNKNOWN', { times: 1 });
    expect((await joiner.federationRequest(resident.serverName, 'GET', path)).status).toBe(503);
    expect((await joiner.federationRequest(resident.serverName, 'GET', path)).status).toBe(200);

    resident.respondWith('state_ids', '{"pdu_ids": [', { times: 1 });
    const truncated = await joiner.federationRequest(resident.serverName, 'GET', path);
    expect(truncated.text).toBe('{"pdu_ids": [');

    resident.closeConnection('state_ids', { times: 1 });
    await expect(joiner.federationRequest(resident.serverName, 'GET', path)).rejects.toThrow();

    const mine = resident
      .requests('state_ids')
      .filter((r) => r.path.endsWith(enc(room.roomId)) || r.path.endsWith(room.roomId));
    expect(mine).toHaveLength(5);
    expect(mine.map((r) => r.status)).toEqual([200, 503, 200, 200, undefined]);
    expect(mine.every((r) => r.query['event_id']?.[0] === room.createEvent.eventId)).toBe(true);
  });

  it("speaks for another peer's users with that peer's key; answers directory and profile queries", async () => {
    resident.speakFor(joiner);
    const room = resident.createRoom({ version: '12' });
    const visitor = joiner.user('visitor');
    const join = room.join(visitor, { displayname: 'Visitor' });
    const key = joiner.signingKey;
    expect(
      verifyJsonSignature(
        redactPdu(join.pdu, room.version),
        joiner.serverName,
        key.keyId,
        key.publicKeyBase64,
      ),
    ).toBe(true);
    expect(room.joinedServers()).toEqual([resident.serverName, joiner.serverName].sort());

    resident.addAlias(`#demo:${resident.serverName}`, room.roomId);
    const base = '/_matrix/federation/v1/query';
    const directory = await joiner.federationRequest(
      resident.serverName,
      'GET',
      `${base}/directory?room_alias=${enc(`#demo:${resident.serverName}`)}`,
    );
    expect(directory.body).toEqual({ room_id: room.roomId, servers: [resident.serverName] });
    const profile = await joiner.federationRequest(
      resident.serverName,
      'GET',
      `${base}/profile?user_id=${enc(visitor)}&field=displayname`,
    );
    expect(profile.body).toEqual({ displayname: 'Visitor' });
    const unknown = await joiner.federationRequest(
      resident.serverName,
      'GET',
      `${base}/directory?room_alias=%23nope%3Ax`,
    );
    expect(unknown.status).toBe(404);
  });

  it('delays answers and replaces them with JSON bodies', async () => {
    resident.delay('version', 150, { times: 1 });
    const started = Date.now();
    await joiner.federationRequest(resident.serverName, 'GET', '/_matrix/federation/v1/version');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    resident.respondWith('version', { server: { name: 'imposter' } }, { status: 201, times: 1 });
    const replaced = await joiner.federationRequest(
      resident.serverName,
      'GET',
      '/_matrix/federation/v1/version',
    );
    expect(replaced.status).toBe(201);
    expect(replaced.body).toEqual({ server: { name: 'imposter' } });
  });

  it('serves its self-signed key and the version', async () => {
    const keys = await joiner.federationRequest(
      resident.serverName,
      'GET',
      '/_matrix/key/v2/server',
    );
    const body = keys.body as PeerJsonObject;
    expect(body['server_name']).toBe(resident.serverName);
    expect(
      verifyJsonSignature(
        body,
        resident.serverName,
        resident.signingKey.keyId,
        resident.signingKey.publicKeyBase64,
      ),
    ).toBe(true);
    const version = await joiner.federationRequest(
      resident.serverName,
      'GET',
      '/_matrix/federation/v1/version',
    );
    expect((version.body as PeerJsonObject)['server']).toEqual({
      name: 'skein-test-peer',
      version: '1',
    });
  });
});
