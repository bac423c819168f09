/**
 * Registration, login and logout over real HTTPS against an in-process homeserver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { requestJson } from '../testing/https-request';
import type { JsonResponse } from '../testing/https-request';
import { startTestHomeserver } from '../testing/test-homeserver';

const V3 = '/_matrix/client/v3';

function client(server: Homeserver) {
  return (
    method: string,
    path: string,
    options: { body?: unknown; token?: string; rawBody?: string } = {},
  ): Promise<JsonResponse> =>
    requestJson(server.baseUrl + path, {
      method,
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.rawBody === undefined
        ? {}
        : { rawBody: options.rawBody, headers: { 'content-type': 'application/json' } }),
      ...(options.token === undefined
        ? {}
        : { headers: { authorization: `Bearer ${options.token}` } }),
    });
}

async function register(
  call: ReturnType<typeof client>,
  username: string,
  password = 'correct horse',
): Promise<{ user_id: string; access_token: string; device_id: string }> {
  const response = await call('POST', `${V3}/register`, {
    body: { username, password, auth: { type: 'm.login.dummy' } },
  });
  expect(response.status, response.text).toBe(200);
  return response.body as { user_id: string; access_token: string; device_id: string };
}

describe('open registration', () => {
  let server: Homeserver;
  let call: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestHomeserver();
    call = client(server);
  });
  afterAll(() => server.stop());

  it('answers a first request without auth with the dummy flow and a session', async () => {
    const response = await call('POST', `${V3}/register`, {
      body: { username: 'alice', password: 'pw' },
    });
    expect(response.status).toBe(401);
    const body = response.body as { flows: unknown; session: unknown; params: unknown };
    expect(body.flows).toEqual([{ stages: ['m.login.dummy'] }]);
    expect(body.params).toEqual({});
    expect(typeof body.session).toBe('string');
  });

  it('registers with the session from the 401, then whoami, logout, token refused', async () => {
    const first = await call('POST', `${V3}/register`, {
      body: { username: 'Alice', password: 'pw' },
    });
    const session = (first.body as { session: string }).session;
    const done = await call('POST', `${V3}/register`, {
      body: {
        username: 'Alice',
        password: 'pw',
        device_id: 'MYPHONE',
        initial_device_display_name: 'Phone',
        auth: { type: 'm.login.dummy', session },
      },
    });
    expect(done.status, done.text).toBe(200);
    const body = done.body as Record<string, string>;
    // Usernames are lower-cased, as Synapse does.
    expect(body.user_id).toBe(`@alice:${server.config.serverName}`);
    expect(body.device_id).toBe('MYPHONE');
    expect(body.access_token).toMatch(/^skt_[A-Za-z0-9_-]{43}$/);
    expect(body.home_server).toBe(server.config.serverName);

    const token = String(body.access_token);
    const whoami = await call('GET', `${V3}/account/whoami`, { token });
    expect(whoami.status).toBe(200);
    expect(whoami.body).toEqual({ user_id: body.user_id, device_id: 'MYPHONE', is_guest: false });

    const viaQuery = await requestJson(
      `${server.baseUrl}${V3}/account/whoami?access_token=${encodeURIComponent(token)}`,
    );
    expect(viaQuery.status).toBe(200);

    const devices = await call('GET', `${V3}/devices`, { token });
    expect(
      (devices.body as { devices: { device_id: string; display_name: string }[] }).devices,
    ).toMatchObject([{ device_id: 'MYPHONE', display_name: 'Phone' }]);

    expect((await call('POST', `${V3}/logout`, { token, body: {} })).status).toBe(200);
    const refused = await call('GET', `${V3}/account/whoami`, { token });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({
      errcode: 'M_UNKNOWN_TOKEN',
      error: 'Unrecognised access token',
      soft_logout: false,
    });
  });

  it('refuses a session ID it never issued', async () => {
    const response = await call('POST', `${V3}/register`, {
      body: { username: 'mallory', auth: { type: 'm.login.dummy', session: 'made-up' } },
    });
    expect(response.status).toBe(400);
  });

  it('logs in with a password (m.id.user and legacy user), refuses a wrong one', async () => {
    const { user_id: userId } = await register(call, 'bob', 'hunter2');
    const login = await call('POST', `${V3}/login`, {
      body: {
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: 'bob' },
        password: 'hunter2',
        initial_device_display_name: 'Laptop',
      },
    });
    expect(login.status, login.text).toBe(200);
    const session = login.body as Record<string, string>;
    expect(Object.keys(session).sort()).toEqual(
      ['access_token', 'device_id', 'home_server', 'user_id'].sort(),
    );
    expect(session.user_id).toBe(userId);
    expect(session.device_id).toMatch(/^[A-Z]{10}$/);

    const legacy = await call('POST', `${V3}/login`, {
      body: { type: 'm.login.password', user: userId, password: 'hunter2', device_id: 'OLD' },
    });
    expect(legacy.status).toBe(200);
    expect((legacy.body as { device_id: string }).device_id).toBe('OLD');

    for (const body of [
      { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'bob' }, password: 'x' },
      { type: 'm.login.password', user: 'nobody', password: 'hunter2' },
      { type: 'm.login.password', user: '@bob:elsewhere.example', password: 'hunter2' },
    ]) {
      const wrong = await call('POST', `${V3}/login`, { body });
      expect(wrong.status).toBe(403);
      expect((wrong.body as { errcode: string }).errcode).toBe('M_FORBIDDEN');
    }
  });

  it('offers m.login.password on GET /login', async () => {
    const response = await call('GET', `${V3}/login`);
    expect(response.body).toEqual({ flows: [{ type: 'm.login.password' }] });
  });

  it('logout/all ends every session of the user', async () => {
    const { access_token: first } = await register(call, 'carol');
    const login = await call('POST', `${V3}/login`, {
      body: { type: 'm.login.password', user: 'carol', password: 'correct horse' },
    });
    const second = (login.body as { access_token: string }).access_token;
    expect((await call('POST', `${V3}/logout/all`, { token: second })).status).toBe(200);
    for (const token of [first, second]) {
      expect((await call('GET', `${V3}/account/whoami`, { token })).status).toBe(401);
    }
  });

  it('refuses a taken user ID and invalid localparts', async () => {
    await register(call, 'dave');
    const taken = await call('POST', `${V3}/register`, {
      body: { username: 'dave', password: 'x', auth: { type: 'm.login.dummy' } },
    });
    expect(taken.status).toBe(400);
    expect((taken.body as { errcode: string }).errcode).toBe('M_USER_IN_USE');

    for (const username of ['has space', 'colon:here', 'émile', '', 'x'.repeat(260)]) {
      const bad = await call('POST', `${V3}/register`, {
        body: { username, password: 'x', auth: { type: 'm.login.dummy' } },
      });
      expect(bad.status, username).toBe(400);
      expect((bad.body as { errcode: string }).errcode, username).toBe('M_INVALID_USERNAME');
    }

    const available = await call('GET', `${V3}/register/available?username=dave`);
    expect((available.body as { errcode: string }).errcode).toBe('M_USER_IN_USE');
    const free = await call('GET', `${V3}/register/available?username=erin`);
    expect(free.body).toEqual({ available: true });
  });

  it('registers without a username (server picks one) and with inhibit_login', async () => {
    const anonymous = await call('POST', `${V3}/register`, {
      body: { password: 'x', auth: { type: 'm.login.dummy' } },
    });
    expect(anonymous.status).toBe(200);
    expect((anonymous.body as { user_id: string }).user_id).toMatch(/^@u[a-z0-9]{11}:/);

    const inhibited = await call('POST', `${V3}/register`, {
      body: { username: 'frank', inhibit_login: true, auth: { type: 'm.login.dummy' } },
    });
    expect(inhibited.body).toEqual({ user_id: `@frank:${server.config.serverName}` });
  });

  it('refuses guest registration', async () => {
    const response = await call('POST', `${V3}/register?kind=guest`, { body: {} });
    expect(response.status).toBe(403);
    expect((response.body as { errcode: string }).errcode).toBe('M_GUEST_ACCESS_FORBIDDEN');
  });

  it('maps malformed bodies to M_NOT_JSON, M_BAD_JSON, M_MISSING_PARAM and M_TOO_LARGE', async () => {
    const cases: { body?: unknown; rawBody?: string; status: number; errcode: string }[] = [
      { rawBody: '{"username": ', status: 400, errcode: 'M_NOT_JSON' },
      { rawBody: '[1, 2]', status: 400, errcode: 'M_BAD_JSON' },
      { body: { username: 42 }, status: 400, errcode: 'M_BAD_JSON' },
      { body: { username: 'g', inhibit_login: 'yes' }, status: 400, errcode: 'M_BAD_JSON' },
      { body: { username: 'g', auth: 'dummy' }, status: 400, errcode: 'M_BAD_JSON' },
      { body: { password: 'x'.repeat(600) }, status: 400, errcode: 'M_INVALID_PARAM' },
      {
        rawBody: JSON.stringify({ username: 'big', pad: 'x'.repeat(1.5 * 1024 * 1024) }),
        status: 413,
        errcode: 'M_TOO_LARGE',
      },
    ];
    for (const { status, errcode, ...request } of cases) {
      const response = await call('POST', `${V3}/register`, request);
      expect(response.status, response.text.slice(0, 200)).toBe(status);
      expect((response.body as { errcode: string }).errcode).toBe(errcode);
    }
    const wrongType = await call('POST', `${V3}/register`, { body: { username: 42 } });
    expect((wrongType.body as { error: string }).error).toContain('"username"');

    const login = await call('POST', `${V3}/login`, { body: { type: 'm.login.password' } });
    expect(login.status).toBe(400);
    expect((login.body as { errcode: string }).errcode).toBe('M_MISSING_PARAM');
    const loginType = await call('POST', `${V3}/login`, {
      body: { type: 'm.login.password', user: 'bob', password: 7 },
    });
    expect((loginType.body as { errcode: string }).errcode).toBe('M_BAD_JSON');
  });

  it('answers 401 M_MISSING_TOKEN without a token', async () => {
    for (const [method, path] of [
      ['GET', `${V3}/account/whoami`],
      ['POST', `${V3}/logout`],
      ['GET', `${V3}/capabilities`],
      ['GET', `${V3}/pushrules/`],
    ] as const) {
      const response = await call(method, path);
      expect(response.status, path).toBe(401);
      expect((response.body as { errcode: string }).errcode).toBe('M_MISSING_TOKEN');
    }
  });
});

describe('registration policy', () => {
  it('closed: 403 M_FORBIDDEN, login still works for nobody', async () => {
    const server = await startTestHomeserver({
      configure: (config) => {
        config.registration = 'closed';
      },
    });
    try {
      const response = await client(server)('POST', `${V3}/register`, {
        body: { username: 'x', auth: { type: 'm.login.dummy' } },
      });
      expect(response.status).toBe(403);
      expect((response.body as { errcode: string }).errcode).toBe('M_FORBIDDEN');
    } finally {
      await server.stop();
    }
  });

  it('token: offers m.login.registration_token and checks the token', async () => {
    const server = await startTestHomeserver({
      configure: (config) => {
        config.registration = 'token';
        config.registrationToken = 'let-me-in';
      },
    });
    const call = client(server);
    try {
      const first = await call('POST', `${V3}/register`, { body: { username: 'tina' } });
      expect(first.status).toBe(401);
      const { flows, session } = first.body as { flows: unknown; session: string };
      expect(flows).toEqual([{ stages: ['m.login.registration_token'] }]);

      const dummy = await call('POST', `${V3}/register`, {
        body: { username: 'tina', auth: { type: 'm.login.dummy', session } },
      });
      expect(dummy.status).toBe(401);
      expect((dummy.body as { errcode: string }).errcode).toBe('M_UNRECOGNIZED');

      const wrong = await call('POST', `${V3}/register`, {
        body: {
          username: 'tina',
          auth: { type: 'm.login.registration_token', token: 'no', session },
        },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ errcode: 'M_FORBIDDEN', session, completed: [] });

      const validity = await call(
        'GET',
        '/_matrix/client/v1/register/m.login.registration_token/validity?token=let-me-in',
      );
      expect(validity.body).toEqual({ valid: true });

      const right = await call('POST', `${V3}/register`, {
        body: {
          username: 'tina',
          password: 'pw',
          auth: { type: 'm.login.registration_token', token: 'let-me-in', session },
        },
      });
      expect(right.status, right.text).toBe(200);
      expect((right.body as { user_id: string }).user_id).toBe(`@tina:${server.config.serverName}`);
    } finally {
      await server.stop();
    }
  });
});
