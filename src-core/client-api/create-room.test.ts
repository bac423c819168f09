/** POST /createRoom over HTTPS: presets per room version, aliases, validation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { startTestHomeserver } from '../testing/test-homeserver';
import { callApi, enc, expectStatus, registerUser } from '../testing/matrix-test-client';
import type { TestUser } from '../testing/matrix-test-client';

let server: Homeserver;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  server = await startTestHomeserver();
  alice = await registerUser(server, 'alice');
  bob = await registerUser(server, 'bob');
});
afterAll(() => server.stop());

interface ClientEvent {
  type: string;
  state_key?: string;
  sender: string;
  content: Record<string, unknown>;
  event_id: string;
}

async function stateOf(user: TestUser, roomId: string): Promise<Map<string, ClientEvent>> {
  const events = expectStatus<ClientEvent[]>(
    await user.call('GET', `/rooms/${enc(roomId)}/state`),
    200,
  );
  return new Map(events.map((e) => [`${e.type}|${e.state_key}`, e]));
}

const PRESETS = {
  public_chat: { joinRule: 'public', guestAccess: undefined },
  private_chat: { joinRule: 'invite', guestAccess: 'can_join' },
  trusted_private_chat: { joinRule: 'invite', guestAccess: 'can_join' },
} as const;

describe.each(['10', '11', '12'])('room version %s', (version) => {
  it.each(Object.keys(PRESETS) as (keyof typeof PRESETS)[])('preset %s', async (preset) => {
    const created = expectStatus<{ room_id: string }>(
      await alice.call('POST', '/createRoom', {
        room_version: version,
        preset,
        name: `Room ${preset}`,
        topic: 'testing',
        invite: [bob.userId],
      }),
      200,
    );
    const state = await stateOf(alice, created.room_id);
    const create = state.get('m.room.create|');
    expect(create?.content['room_version']).toBe(version);
    // v11 (MSC2175) dropped `creator`; before that it names the creator.
    expect(create?.content['creator']).toBe(version === '10' ? alice.userId : undefined);
    if (version === '12') expect(created.room_id).toBe(`!${create?.event_id.slice(1)}`);
    expect(state.get('m.room.join_rules|')?.content).toEqual({
      join_rule: PRESETS[preset].joinRule,
    });
    expect(state.get('m.room.history_visibility|')?.content).toEqual({
      history_visibility: 'shared',
    });
    expect(state.get('m.room.guest_access|')?.content['guest_access']).toBe(
      PRESETS[preset].guestAccess,
    );
    expect(state.get('m.room.name|')?.content).toEqual({ name: `Room ${preset}` });
    expect(state.get('m.room.topic|')?.content).toEqual({ topic: 'testing' });
    expect(state.get(`m.room.member|${alice.userId}`)?.content).toEqual({
      membership: 'join',
      displayname: 'alice',
    });
    expect(state.get(`m.room.member|${bob.userId}`)?.content).toMatchObject({
      membership: 'invite',
    });
    const users = state.get('m.room.power_levels|')?.content['users'] as Record<string, number>;
    // v12 creators have infinite power and are not listed (MSC4289).
    expect(users[alice.userId]).toBe(version === '12' ? undefined : 100);
    expect(users[bob.userId]).toBe(preset === 'trusted_private_chat' ? 100 : undefined);
  });
});

describe('createRoom options', () => {
  it('defaults to room version 12 and preset from visibility, publishing public rooms', async () => {
    const pub = expectStatus<{ room_id: string }>(
      await alice.call('POST', '/createRoom', { visibility: 'public' }),
      200,
    );
    const state = await stateOf(alice, pub.room_id);
    expect(state.get('m.room.create|')?.content['room_version']).toBe('12');
    expect(state.get('m.room.join_rules|')?.content['join_rule']).toBe('public');
    expect(state.has('m.room.guest_access|')).toBe(false);
    const listed = expectStatus<{ visibility: string }>(
      await callApi(server, 'GET', `/directory/list/room/${enc(pub.room_id)}`),
      200,
    );
    expect(listed.visibility).toBe('public');

    const priv = expectStatus<{ room_id: string }>(
      await alice.call('POST', '/createRoom', {}),
      200,
    );
    expect((await stateOf(alice, priv.room_id)).get('m.room.join_rules|')?.content).toEqual({
      join_rule: 'invite',
    });
  });

  it('creates the alias and canonical alias, and refuses a taken one with M_ROOM_IN_USE', async () => {
    const created = expectStatus<{ room_id: string; room_alias: string }>(
      await alice.call('POST', '/createRoom', { room_alias_name: 'lobby' }),
      200,
    );
    const alias = `#lobby:${server.config.serverName}`;
    expect(created.room_alias).toBe(alias);
    const resolved = expectStatus<{ room_id: string }>(
      await callApi(server, 'GET', `/directory/room/${enc(alias)}`),
      200,
    );
    expect(resolved.room_id).toBe(created.room_id);
    expect((await stateOf(alice, created.room_id)).get('m.room.canonical_alias|')?.content).toEqual(
      { alias },
    );
    const again = await bob.call('POST', '/createRoom', { room_alias_name: 'lobby' });
    expect(again.status).toBe(400);
    expect((again.body as { errcode: string }).errcode).toBe('M_ROOM_IN_USE');
  });

  it('applies initial_state over the preset, creation_content and power level overrides', async () => {
    const created = expectStatus<{ room_id: string }>(
      await alice.call('POST', '/createRoom', {
        room_version: '11',
        preset: 'public_chat',
        initial_state: [
          { type: 'm.room.history_visibility', content: { history_visibility: 'joined' } },
          { type: 'org.example.custom', state_key: 'k', content: { x: 1 } },
        ],
        creation_content: { 'm.federate': false },
        power_level_content_override: { events_default: 10 },
        is_direct: true,
      }),
      200,
    );
    const state = await stateOf(alice, created.room_id);
    expect(state.get('m.room.history_visibility|')?.content['history_visibility']).toBe('joined');
    expect(state.get('org.example.custom|k')?.content).toEqual({ x: 1 });
    expect(state.get('m.room.create|')?.content['m.federate']).toBe(false);
    expect(state.get('m.room.power_levels|')?.content['events_default']).toBe(10);
    expect(state.get(`m.room.member|${alice.userId}`)?.content['is_direct']).toBe(true);
  });

  it.each([
    [{ room_version: '99' }, 400, 'M_UNSUPPORTED_ROOM_VERSION'],
    [{ room_version: 12 }, 400, 'M_BAD_JSON'],
    [{ preset: 'party' }, 400, 'M_INVALID_PARAM'],
    [{ visibility: 'secret' }, 400, 'M_INVALID_PARAM'],
    [{ name: 5 }, 400, 'M_BAD_JSON'],
    [{ invite: 'bob' }, 400, 'M_BAD_JSON'],
    [{ invite: ['not a user'] }, 400, 'M_INVALID_PARAM'],
    [{ initial_state: [{ type: 'x', content: 'nope' }] }, 400, 'M_BAD_JSON'],
    [{ creation_content: [] }, 400, 'M_BAD_JSON'],
    [{ room_alias_name: 'a:b' }, 400, 'M_INVALID_PARAM'],
    [{ power_level_content_override: { users: { '@alice:x': 'high' } } }, 400, 'M_BAD_JSON'],
  ])('refuses %j with %i %s', async (body, status, errcode) => {
    const response = await alice.call('POST', '/createRoom', body);
    expect(response.status, response.text).toBe(status);
    expect((response.body as { errcode: string }).errcode).toBe(errcode);
  });

  it('needs an access token and a JSON object body', async () => {
    expect((await callApi(server, 'POST', '/createRoom', { body: {} })).status).toBe(401);
    const raw = await callApi(server, 'POST', '/createRoom', {
      token: alice.accessToken,
      rawBody: '[1]',
    });
    expect(raw.status).toBe(400);
    expect((raw.body as { errcode: string }).errcode).toBe('M_BAD_JSON');
  });
});
