/**
 * A small client for tests of the client-server API over real HTTPS: registers users through
 * /register and makes authenticated calls as them.
 */
import type { Homeserver } from '../homeserver';
import { requestJson } from './https-request';
import type { JsonResponse } from './https-request';

export const CLIENT_V3 = '/_matrix/client/v3';

export interface TestUser {
  userId: string;
  accessToken: string;
  deviceId: string;
  /** Calls the API as this user; paths are relative to /_matrix/client/v3. */
  call(method: string, path: string, body?: unknown): Promise<JsonResponse>;
}

/** Calls the API; `path` is relative to /_matrix/client/v3. */
export function callApi(
  server: Homeserver,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; rawBody?: string } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.rawBody !== undefined) headers['content-type'] = 'application/json';
  return requestJson(server.baseUrl + CLIENT_V3 + path, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.rawBody === undefined ? {} : { rawBody: options.rawBody }),
  });
}

export async function registerUser(
  server: Homeserver,
  username: string,
  deviceId?: string,
): Promise<TestUser> {
  const response = await callApi(server, 'POST', '/register', {
    body: {
      username,
      password: 'test password',
      auth: { type: 'm.login.dummy' },
      ...(deviceId === undefined ? {} : { device_id: deviceId }),
    },
  });
  if (response.status !== 200) {
    throw new Error(`registering ${username} failed: ${response.status} ${response.text}`);
  }
  const body = response.body as { user_id: string; access_token: string; device_id: string };
  return {
    userId: body.user_id,
    accessToken: body.access_token,
    deviceId: body.device_id,
    call: (method, path, requestBody) =>
      callApi(server, method, path, {
        token: body.access_token,
        ...(requestBody === undefined ? {} : { body: requestBody }),
      }),
  };
}

/** Logs in again as `user`, giving a second device with its own token. */
export async function loginAgain(server: Homeserver, user: TestUser): Promise<TestUser> {
  const response = await callApi(server, 'POST', '/login', {
    body: {
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: user.userId },
      password: 'test password',
    },
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.text}`);
  const body = response.body as { access_token: string; device_id: string };
  return {
    userId: user.userId,
    accessToken: body.access_token,
    deviceId: body.device_id,
    call: (method, path, requestBody) =>
      callApi(server, method, path, {
        token: body.access_token,
        ...(requestBody === undefined ? {} : { body: requestBody }),
      }),
  };
}

/** Asserts a status and returns the body, with the response text in the failure message. */
export function expectStatus<T = Record<string, unknown>>(
  response: JsonResponse,
  status: number,
): T {
  if (response.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${response.status}: ${response.text}`);
  }
  return response.body as T;
}

export const enc = encodeURIComponent;
