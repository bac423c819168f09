/**
 * Authenticated account endpoints (profile, devices, filters, account data, push rules,
 * capabilities), token persistence across restarts and the login/register rate limit, over real
 * HTTPS against in-process homeservers.
 */
import BetterSqlite3 from 'better-sqlite3';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../homeserver';
import type { Homeserver } from '../homeserver';
import { requestJson } from '../testing/https-request';
import type { JsonResponse } from '../testing/https-request';
import { startTestHomeserver } from '../testing/test-homeserver';

const V3 = '/_matrix/client/v3';

type Call = (
  method: string,
  path: string,
  options?: { body?: unknown; token?: string },
) => Promise<JsonResponse>;

function client(server: Homeserver): Call {
  return (method, path, options = {}) =>
    requestJson(server.baseUrl + path, {
      method,
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.token === undefined
        ? {}
        : { headers: { authorization: `Bearer ${options.token}` } }),
    });
}

async function register(call: Call, username: string): Promise<{ userId: string; token: string }> {
  const response = await call('POST', `${V3}/register`, {
    body: { username, password: 'pw', auth: { type: 'm.login.dummy' } },
  });
  expect(response.status, response.text).toBe(200);
  const body = response.body as { user_id: string; access_token: string };
  return { userId: body.user_id, token: body.access_token };
}

const errcode = (response: JsonResponse): unknown =>
  (response.body as { errcode?: unknown } | undefined)?.errcode;

describe('account endpoints', () => {
  let server: Homeserver;
  let call: Call;
  let alice: { userId: string; token: string };
  let bob: { userId: string; token: string };
  beforeAll(async () => {
    server = await startTestHomeserver();
    call = client(server);
    alice = await register(call, 'alice');
    bob = await register(call, 'bob');
  });
  afterAll(() => server.stop());

  it('profiles: defaults to the localpart, sets, clears, notifies, guards', async () => {
    const changes: unknown[] = [];
    const unsubscribe = server.context.accounts.onProfileChanged((change) => changes.push(change));
    const path = `${V3}/profile/${encodeURIComponent(alice.userId)}`;
    expect((await call('GET', path)).body).toEqual({ displayname: 'alice' });

    const put = await call('PUT', `${path}/displayname`, {
      token: alice.token,
      body: { displayname: 'Alice A.' },
    });
    expect(put.status).toBe(200);
    const avatar = await call('PUT', `${path}/avatar_url`, {
      token: alice.token,
      body: { avatar_url: 'mxc://example.org/abc' },
    });
    expect(avatar.status).toBe(200);
    expect((await call('GET', path)).body).toEqual({
      displayname: 'Alice A.',
      avatar_url: 'mxc://example.org/abc',
    });
    expect((await call('GET', `${path}/displayname`)).body).toEqual({ displayname: 'Alice A.' });
    expect(changes).toEqual([
      { userId: alice.userId, profile: { displayName: 'Alice A.', avatarUrl: null } },
      {
        userId: alice.userId,
        profile: { displayName: 'Alice A.', avatarUrl: 'mxc://example.org/abc' },
      },
    ]);
    unsubscribe();

    await call('PUT', `${path}/avatar_url`, { token: alice.token, body: { avatar_url: null } });
    expect((await call('GET', `${path}/avatar_url`)).status).toBe(404);

    const other = await call('PUT', `${path}/displayname`, {
      token: bob.token,
      body: { displayname: 'Not Alice' },
    });
    expect(other.status).toBe(403);
    expect(errcode(other)).toBe('M_FORBIDDEN');
    const badType = await call('PUT', `${path}/displayname`, {
      token: alice.token,
      body: { displayname: 5 },
    });
    expect(errcode(badType)).toBe('M_BAD_JSON');
    const missing = await call('PUT', `${path}/displayname`, { token: alice.token, body: {} });
    expect(errcode(missing)).toBe('M_MISSING_PARAM');
    const notMxc = await call('PUT', `${path}/avatar_url`, {
      token: alice.token,
      body: { avatar_url: 'https://example.org/a.png' },
    });
    expect(errcode(notMxc)).toBe('M_INVALID_PARAM');
    expect(changes).toHaveLength(2);

    const unknown = await call('GET', `${V3}/profile/${encodeURIComponent('@nobody:x.org')}`);
    expect(unknown.status).toBe(404);
    expect(errcode(unknown)).toBe('M_NOT_FOUND');
  });

  it('devices: list, get, rename, 404 for unknown', async () => {
    const list = await call('GET', `${V3}/devices`, { token: bob.token });
    const devices = (list.body as { devices: { device_id: string; last_seen_ts: number }[] })
      .devices;
    expect(devices).toHaveLength(1);
    const deviceId = devices[0]?.device_id ?? '';
    expect(devices[0]?.last_seen_ts).toBeGreaterThan(0);

    const rename = await call('PUT', `${V3}/devices/${deviceId}`, {
      token: bob.token,
      body: { display_name: 'Desk' },
    });
    expect(rename.status).toBe(200);
    const one = await call('GET', `${V3}/devices/${deviceId}`, { token: bob.token });
    expect(one.body).toMatchObject({ device_id: deviceId, display_name: 'Desk' });

    const unknown = await call('GET', `${V3}/devices/NOPE`, { token: bob.token });
    expect(unknown.status).toBe(404);
    const renameUnknown = await call('PUT', `${V3}/devices/NOPE`, {
      token: bob.token,
      body: { display_name: 'x' },
    });
    expect(renameUnknown.status).toBe(404);
    // Another user's device is as unknown as a missing one.
    const foreign = await call('GET', `${V3}/devices/${deviceId}`, { token: alice.token });
    expect(foreign.status).toBe(404);
  });

  it('deleting devices needs the password (UIA m.login.password) and logs them out', async () => {
    const { token } = await register(call, 'dora');
    const login = await call('POST', `${V3}/login`, {
      body: { type: 'm.login.password', user: 'dora', password: 'pw', device_id: 'SPARE' },
    });
    const spareToken = (login.body as { access_token: string }).access_token;

    const first = await call('DELETE', `${V3}/devices/SPARE`, { token });
    expect(first.status).toBe(401);
    const { flows, session } = first.body as { flows: unknown; session: string };
    expect(flows).toEqual([{ stages: ['m.login.password'] }]);

    const identifier = { type: 'm.id.user', user: 'dora' };
    const wrong = await call('DELETE', `${V3}/devices/SPARE`, {
      token,
      body: { auth: { type: 'm.login.password', identifier, password: 'nope', session } },
    });
    expect(wrong.status, wrong.text).toBe(401);
    expect(wrong.body).toMatchObject({ errcode: 'M_FORBIDDEN', session });
    // Someone else's password does not unlock dora's devices.
    const foreignUser = await call('DELETE', `${V3}/devices/SPARE`, {
      token,
      body: { auth: { type: 'm.login.password', user: 'alice', password: 'pw', session } },
    });
    expect(foreignUser.status).toBe(401);
    expect((await call('GET', `${V3}/account/whoami`, { token: spareToken })).status).toBe(200);

    const right = await call('DELETE', `${V3}/devices/SPARE`, {
      token,
      body: { auth: { type: 'm.login.password', identifier, password: 'pw', session } },
    });
    expect(right.status, right.text).toBe(200);
    expect((await call('GET', `${V3}/account/whoami`, { token: spareToken })).status).toBe(401);
    expect((await call('GET', `${V3}/account/whoami`, { token })).status).toBe(200);
    // The finished session cannot authorise another deletion.
    const replay = await call('POST', `${V3}/delete_devices`, {
      token,
      body: { devices: ['X'], auth: { session } },
    });
    expect(replay.status).toBe(400);
    const badList = await call('POST', `${V3}/delete_devices`, { token, body: { devices: [1] } });
    expect(errcode(badList)).toBe('M_BAD_JSON');
  });

  it('filters: round-trip, object only, 404 unknown, own user only', async () => {
    const filter = { room: { timeline: { limit: 10 } }, event_fields: ['type', 'content.body'] };
    const path = `${V3}/user/${encodeURIComponent(alice.userId)}/filter`;
    const created = await call('POST', path, { token: alice.token, body: filter });
    expect(created.status).toBe(200);
    const { filter_id: filterId } = created.body as { filter_id: string };
    expect(filterId).toBe('0');
    const second = await call('POST', path, { token: alice.token, body: {} });
    expect((second.body as { filter_id: string }).filter_id).toBe('1');

    expect((await call('GET', `${path}/${filterId}`, { token: alice.token })).body).toEqual(filter);
    for (const id of ['99', 'abc', '{}']) {
      const missing = await call('GET', `${path}/${encodeURIComponent(id)}`, {
        token: alice.token,
      });
      expect(missing.status, id).toBe(404);
      expect(errcode(missing)).toBe('M_NOT_FOUND');
    }
    const notObject = await call('POST', path, { token: alice.token, body: [1] });
    expect(errcode(notObject)).toBe('M_BAD_JSON');
    const foreign = await call('GET', `${path}/${filterId}`, { token: bob.token });
    expect(foreign.status).toBe(403);
  });

  it('account data: global and per room round-trip, server-managed types refused', async () => {
    const user = encodeURIComponent(alice.userId);
    const seen: unknown[] = [];
    server.context.accounts.onAccountDataChanged((change) => seen.push(change.type));
    const global = `${V3}/user/${user}/account_data/org.example.settings`;
    expect((await call('GET', global, { token: alice.token })).status).toBe(404);
    expect(
      (await call('PUT', global, { token: alice.token, body: { theme: 'dark', n: [1, 2] } }))
        .status,
    ).toBe(200);
    await call('PUT', global, { token: alice.token, body: { theme: 'light' } });
    expect((await call('GET', global, { token: alice.token })).body).toEqual({ theme: 'light' });

    const roomId = encodeURIComponent('!room:example.org');
    const perRoom = `${V3}/user/${user}/rooms/${roomId}/account_data/m.tag`;
    await call('PUT', perRoom, { token: alice.token, body: { tags: { u: {} } } });
    expect((await call('GET', perRoom, { token: alice.token })).body).toEqual({ tags: { u: {} } });
    // Global and room scopes do not mix.
    const sameTypeGlobal = `${V3}/user/${user}/account_data/m.tag`;
    expect((await call('GET', sameTypeGlobal, { token: alice.token })).status).toBe(404);
    expect(seen).toEqual(['org.example.settings', 'org.example.settings', 'm.tag']);

    const fullyRead = await call(
      'PUT',
      `${V3}/user/${user}/rooms/${roomId}/account_data/m.fully_read`,
      { token: alice.token, body: { event_id: '$x' } },
    );
    expect(fullyRead.status).toBe(405);
    expect(errcode(fullyRead)).toBe('M_BAD_JSON');
    const badRoom = await call('PUT', `${V3}/user/${user}/rooms/not-a-room/account_data/m.tag`, {
      token: alice.token,
      body: {},
    });
    expect(errcode(badRoom)).toBe('M_INVALID_PARAM');
    const foreign = await call('PUT', global, { token: bob.token, body: {} });
    expect(foreign.status).toBe(403);
  });

  it('push rules: the spec defaults with the user ID filled in', async () => {
    const response = await call('GET', `${V3}/pushrules/`, { token: alice.token });
    expect(response.status).toBe(200);
    const rules = (response.body as { global: Record<string, { rule_id: string }[]> }).global;
    expect(Object.keys(rules).sort()).toEqual([
      'content',
      'override',
      'room',
      'sender',
      'underride',
    ]);
    expect(rules.override?.map((rule) => rule.rule_id)).toEqual([
      '.m.rule.master',
      '.m.rule.suppress_notices',
      '.m.rule.invite_for_me',
      '.m.rule.member_event',
      '.m.rule.is_user_mention',
      '.m.rule.is_room_mention',
      '.m.rule.tombstone',
      '.m.rule.reaction',
      '.m.rule.room.server_acl',
      '.m.rule.suppress_edits',
    ]);
    expect(rules.underride?.map((rule) => rule.rule_id)).toEqual([
      '.m.rule.call',
      '.m.rule.encrypted_room_one_to_one',
      '.m.rule.room_one_to_one',
      '.m.rule.message',
      '.m.rule.encrypted',
    ]);
    expect(rules.override?.[2]).toMatchObject({
      conditions: [{}, {}, { key: 'state_key', pattern: alice.userId }],
    });
    expect(rules.override?.[0]).toMatchObject({ enabled: false, default: true });
  });

  it('capabilities: room versions from the registry, default 12', async () => {
    const response = await call('GET', `${V3}/capabilities`, { token: alice.token });
    const capabilities = (response.body as { capabilities: Record<string, unknown> }).capabilities;
    expect(capabilities['m.change_password']).toEqual({ enabled: false });
    const versions = capabilities['m.room_versions'] as {
      default: string;
      available: Record<string, string>;
    };
    expect(versions.default).toBe('12');
    expect(Object.keys(versions.available)).toHaveLength(12);
    expect(versions.available['1']).toBe('stable');
  });
});

describe('access tokens at rest', () => {
  it('survive a restart and are stored only as hashes', async () => {
    const first = await startTestHomeserver();
    const { dataDir, serverName } = first.config;
    const { userId, token } = await register(client(first), 'persistent');
    await first.stop();

    const files = readdirSync(dataDir).filter((name) => name.startsWith(DATABASE_FILE));
    for (const name of files) {
      expect(readFileSync(path.join(dataDir, name)).includes(token), name).toBe(false);
    }
    const sqlite = new BetterSqlite3(path.join(dataDir, DATABASE_FILE), { readonly: true });
    const rows = sqlite.prepare('SELECT token_hash FROM access_tokens').all() as {
      token_hash: string;
    }[];
    sqlite.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const second = await startTestHomeserver({
      dataDir,
      configure: (config) => {
        config.serverName = serverName;
      },
    });
    try {
      const whoami = await client(second)('GET', `${V3}/account/whoami`, { token });
      expect(whoami.status).toBe(200);
      expect((whoami.body as { user_id: string }).user_id).toBe(userId);
    } finally {
      await second.stop();
    }
  });
});

describe('rate limit on login and register', () => {
  it('answers 429 M_LIMIT_EXCEEDED with retry_after_ms past the burst', async () => {
    const server = await startTestHomeserver({
      configure: (config) => {
        config.rateLimits.accountAuth = { burst: 3, perSecond: 0.5 };
      },
    });
    try {
      const call = client(server);
      const statuses: number[] = [];
      let limited: JsonResponse | undefined;
      for (let i = 0; i < 5; i++) {
        const response = await call('GET', `${V3}/register/available?username=u${i}`);
        statuses.push(response.status);
        if (response.status === 429) limited = response;
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(errcode(limited as JsonResponse)).toBe('M_LIMIT_EXCEEDED');
      const retry = (limited?.body as { retry_after_ms: number }).retry_after_ms;
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(2000);
      expect(limited?.headers['retry-after']).toBe('2');
      // Login shares the bucket; GET /login (the flows) is not limited.
      const login = await call('POST', `${V3}/login`, {
        body: { type: 'm.login.password', user: 'x', password: 'y' },
      });
      expect(login.status).toBe(429);
      expect((await call('GET', `${V3}/login`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('lets 8 concurrent loopback clients register and log in without a 429 (default limits)', async () => {
    // The full 2,000-call check is bench/account-auth-load.ts; 32 calls keep this file fast.
    const server = await startTestHomeserver();
    try {
      const call = client(server);
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async (_, worker) => {
          for (let i = 0; i < 2; i++) {
            const username = `load${worker}x${i}`;
            const registered = await call('POST', `${V3}/register`, {
              body: { username, password: 'pw', auth: { type: 'm.login.dummy' } },
            });
            const login = await call('POST', `${V3}/login`, {
              body: { type: 'm.login.password', user: username, password: 'pw' },
            });
            statuses.push(registered.status, login.status);
          }
        }),
      );
      expect(statuses).toHaveLength(32);
      expect(statuses.every((status) => status === 200)).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
