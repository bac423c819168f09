/**
 * Arbitrary JSON bodies against every account endpoint that reads one: the answer is always a
 * well-formed Matrix error or a success, never a 500 (i.e. no handler trusted a field's type).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { requestJson } from '../testing/https-request';
import { startTestHomeserver } from '../testing/test-homeserver';

const V3 = '/_matrix/client/v3';

describe('account endpoints under arbitrary JSON bodies', () => {
  let server: Homeserver;
  let token: string;
  let user: string;
  beforeAll(async () => {
    server = await startTestHomeserver();
    const registered = await requestJson(`${server.baseUrl}${V3}/register`, {
      method: 'POST',
      body: { username: 'fuzz', password: 'pw', auth: { type: 'm.login.dummy' } },
    });
    ({ access_token: token, user_id: user } = registered.body as {
      access_token: string;
      user_id: string;
    });
  });
  afterAll(() => server.stop());

  // Bodies shaped like the real ones (right keys, random values) find more than random keys.
  const keys = [
    'username',
    'password',
    'auth',
    'type',
    'session',
    'token',
    'identifier',
    'user',
    'device_id',
    'initial_device_display_name',
    'inhibit_login',
    'refresh_token',
    'displayname',
    'avatar_url',
    'display_name',
  ];
  const value = fc.jsonValue({ maxDepth: 2 });
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.dictionary(fc.constantFrom(...keys), value),
    fc.dictionary(
      fc.constantFrom(...keys),
      fc.oneof(value, fc.dictionary(fc.constantFrom(...keys), value)),
    ),
  );

  it('never answers 5xx and always names an errcode on errors', async () => {
    const endpoints = [
      ['POST', `${V3}/register`],
      ['POST', `${V3}/login`],
      ['PUT', `${V3}/profile/${encodeURIComponent(user)}/displayname`],
      ['PUT', `${V3}/profile/${encodeURIComponent(user)}/avatar_url`],
      ['PUT', `${V3}/devices/SOMEDEVICE`],
      ['POST', `${V3}/user/${encodeURIComponent(user)}/filter`],
      ['PUT', `${V3}/user/${encodeURIComponent(user)}/account_data/org.example.x`],
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), body, async ([method, path], json) => {
        const response = await requestJson(server.baseUrl + path, {
          method,
          rawBody: JSON.stringify(json),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        });
        expect(response.status, response.text).toBeLessThan(500);
        if (response.status >= 400 && response.status !== 401) {
          expect(typeof (response.body as { errcode?: unknown }).errcode).toBe('string');
        }
      }),
      { seed: 42, numRuns: 150 },
    );
  });
});
