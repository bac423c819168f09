/**
 * The resident side of MSC3706, against the shape Complement's TestSendJoinPartialStateResponse
 * pins down: for a 2-user public room, a partial send_join answer holds exactly create, power
 * levels, join rules, history visibility and both members (heroes: the room has no name), an
 * empty auth_chain, and servers_in_room naming the resident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FederationRequestError } from '../federation-client/federation-request-error';
import type { Homeserver } from '../homeserver';
import type { JsonObject } from '../rules/json';
import { getRoomVersion } from '../rules/room-versions';
import { expectStatus, registerUser } from '../testing/matrix-test-client';
import { startTestHomeserver } from '../testing/test-homeserver';

let resident: Homeserver;
let joiner: Homeserver;
let roomId: string;
let alice: string;
let bob: string;

beforeAll(async () => {
  [resident, joiner] = await Promise.all([startTestHomeserver(), startTestHomeserver()]);
  const a = await registerUser(resident, 'alice');
  const b = await registerUser(resident, 'bob');
  alice = a.userId;
  bob = b.userId;
  roomId = expectStatus<{ room_id: string }>(
    await a.call('POST', '/createRoom', { preset: 'public_chat' }),
    200,
  ).room_id;
  expectStatus(await b.call('POST', `/rooms/${encodeURIComponent(roomId)}/join`, {}), 200);
});

afterAll(async () => {
  await Promise.all([resident?.stop(), joiner?.stop()]);
});

async function sendJoin(query: Record<string, string>): Promise<JsonObject> {
  const api = joiner.context.federationEvents.api;
  const userId = `@charlie:${joiner.config.serverName}`;
  const { event: template, roomVersion } = await api.makeMembership(
    resident.config.serverName,
    'join',
    roomId,
    userId,
    ['12'],
  );
  const join = joiner.context.rooms.builder.sign(
    { ...template, origin_server_ts: Date.now() },
    getRoomVersion(roomVersion ?? '1'),
  );
  const path = `/_matrix/federation/v2/send_join/${encodeURIComponent(roomId)}/${encodeURIComponent(join.eventId)}`;
  return joiner.context.federation.client.request<JsonObject>(
    resident.config.serverName,
    'PUT',
    path,
    {
      body: join.pdu as JsonObject,
      query,
    },
  );
}

const described = (events: unknown): string[] =>
  (events as JsonObject[])
    .map((e) => `${String(e['type'])}|${String(e['state_key'] ?? '')}`)
    .sort();

describe('send_join with omit_members=true (resident side)', () => {
  it('answers a 2-user room exactly as Complement expects', async () => {
    const response = await sendJoin({ omit_members: 'true' });
    expect(described(response['state'])).toEqual(
      [
        'm.room.create|',
        'm.room.power_levels|',
        'm.room.join_rules|',
        'm.room.history_visibility|',
        `m.room.member|${alice}`,
        `m.room.member|${bob}`,
      ].sort(),
    );
    expect(response['auth_chain']).toEqual([]);
    expect(response['members_omitted']).toBe(true);
    expect(response['servers_in_room']).toEqual([resident.config.serverName]);
    expect(response['org.matrix.msc3706.partial_state']).toBeUndefined();
  });

  it('speaks the unstable MSC3706 names to callers that used them', async () => {
    const response = await sendJoin({ 'org.matrix.msc3706.partial_state': 'true' });
    expect(response['members_omitted']).toBe(true);
    expect(response['org.matrix.msc3706.partial_state']).toBe(true);
    expect(response['org.matrix.msc3706.servers_in_room']).toEqual([resident.config.serverName]);
  });

  it('answers full state without the flag, and 400 M_INVALID_PARAM for a value other than true/false', async () => {
    const full = await sendJoin({ omit_members: 'false' });
    expect(full['members_omitted']).toBe(false);
    expect(full['servers_in_room']).toBeUndefined();
    const error = await sendJoin({ omit_members: 'yes' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FederationRequestError);
    expect((error as FederationRequestError).status).toBe(400);
    expect((error as FederationRequestError).errcode).toBe('M_INVALID_PARAM');
  });
});

describe('a partial-stated server refuses to be a resident', () => {
  it('answers make_join with 404 M_NOT_FOUND while partial', async () => {
    const third = await startTestHomeserver({
      configure: (config) => (config.resync.startPaused = true),
    });
    try {
      const carol = await registerUser(third, 'carol');
      expectStatus(
        await carol.call(
          'POST',
          `/join/${encodeURIComponent(roomId)}?server_name=${encodeURIComponent(resident.config.serverName)}`,
          {},
        ),
        200,
      );
      const error = await joiner.context.federationEvents.api
        .makeMembership(third.config.serverName, 'join', roomId, `@x:${joiner.config.serverName}`, [
          '12',
        ])
        .catch((e: unknown) => e);
      expect((error as FederationRequestError).status).toBe(404);
      expect((error as FederationRequestError).errcode).toBe('M_NOT_FOUND');
    } finally {
      await third.stop();
    }
  });
});
