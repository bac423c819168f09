/**
 * Negative cases of admin API access beyond admin-api.int.test.ts: IPv6 loopback is a loopback
 * peer; Host names that merely start with a loopback name are refused (DNS rebinding);
 * `Origin: null` (sandboxed frames, file: pages) never stands in for the token, and non-HTTPS
 * origins are refused; and the token never reaches the JSON logs, whether sent in the query
 * string or the Authorization header, right or wrong, on answered or failing requests.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Homeserver } from '../homeserver';
import { createLogger } from '../logging/logger';
import { requestJson } from '../testing/https-request';
import { startTestHomeserver } from '../testing/test-homeserver';
import { ADMIN_API_PREFIX, ADMIN_STREAM_PATH } from './admin-http-routes';

let v4: Homeserver;
let v6: Homeserver | undefined;
let token: string;
const logLines: string[] = [];

beforeAll(async () => {
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void logLines.push(line) },
  });
  v4 = await startTestHomeserver({
    logger,
    configure: (config) => {
      config.logLevel = 'debug';
    },
  });
  token = readFileSync(v4.adminTokenFile, 'utf8').trim();
  v6 = await startTestHomeserver({
    configure: (config) => {
      config.listen.host = '::1';
      config.serverName = `[::1]:${config.listen.port}`;
    },
  }).catch(() => undefined); // no IPv6 loopback on this machine: that test reports it
});

afterAll(async () => {
  await Promise.all([v4?.stop(), v6?.stop()]);
});

const rooms = (server: Homeserver, headers: Record<string, string>, query = '') =>
  requestJson(`${server.baseUrl}${ADMIN_API_PREFIX}/rooms${query}`, { headers });

describe('admin access: loopback', () => {
  it('accepts the IPv6 loopback peer [::1] with the token, and still demands the token', async () => {
    expect(v6, 'this machine has no IPv6 loopback').toBeDefined();
    const server = v6 as Homeserver;
    const v6Token = readFileSync(server.adminTokenFile, 'utf8').trim();
    expect((await rooms(server, { authorization: `Bearer ${v6Token}` })).status).toBe(200);
    expect((await rooms(server, {})).status).toBe(401);
    // A Host of [::1] with our port is a name for this server too.
    const named = await rooms(server, {
      authorization: `Bearer ${v6Token}`,
      host: `[::1]:${server.port}`,
    });
    expect(named.status).toBe(200);
  });
});

describe('admin access: Host', () => {
  it('refuses hosts that only start or end like a loopback name', async () => {
    for (const host of [
      '127.0.0.1.evil.com',
      `127.0.0.1.evil.com:${v4.port}`,
      'localhost.evil.com',
      'evil.com',
      'evil-127.0.0.1',
      '[::1].evil.com',
    ]) {
      const response = await rooms(v4, { authorization: `Bearer ${token}`, host });
      expect({ host, status: response.status }).toEqual({ host, status: 403 });
      expect(response.body).toMatchObject({ errcode: 'M_FORBIDDEN' });
    }
    for (const host of [`127.0.0.1:${v4.port}`, `localhost:${v4.port}`, 'LOCALHOST']) {
      const response = await rooms(v4, { authorization: `Bearer ${token}`, host });
      expect({ host, status: response.status }).toEqual({ host, status: 200 });
    }
  });
});

describe('admin access: Origin', () => {
  it('never lets Origin: null stand in for the token', async () => {
    const noToken = await rooms(v4, { origin: 'null' });
    expect(noToken.status).toBe(401);
    const wrongToken = await rooms(v4, { origin: 'null' }, '?access_token=wrong');
    expect(wrongToken.status).toBe(401);
    expect((await rooms(v4, { origin: 'null', authorization: `Bearer ${token}` })).status).toBe(
      200,
    );
  });

  it('refuses plain-http and look-alike origins even with the token', async () => {
    for (const origin of [
      `http://127.0.0.1:${v4.port}`,
      `https://127.0.0.1.evil.com:${v4.port}`,
      `https://127.0.0.1:${v4.port + 1}`,
      'not a url',
      'file://',
    ]) {
      const response = await rooms(v4, { authorization: `Bearer ${token}`, origin });
      expect({ origin, status: response.status }).toEqual({ origin, status: 403 });
    }
  });
});

describe('admin token and logs', () => {
  it('never writes the token to the JSON logs', async () => {
    // Answered and refused requests, token in the header and in the query string.
    expect((await rooms(v4, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await rooms(v4, {}, `?access_token=${token}`)).status).toBe(200);
    expect((await rooms(v4, { host: 'evil.com' }, `?access_token=${token}`)).status).toBe(403);
    const unknown = await requestJson(
      `${v4.baseUrl}${ADMIN_API_PREFIX}/rooms/${encodeURIComponent('!nope:x')}?access_token=${token}`,
    );
    expect(unknown.status).toBe(404);
    expect((await rooms(v4, { authorization: `Bearer ${token}x` })).status).toBe(401);
    // The stream takes its token in the query string (browsers cannot set WebSocket headers).
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(
        `wss://127.0.0.1:${v4.port}${ADMIN_STREAM_PATH}?access_token=${token}`,
        { rejectUnauthorized: false },
      );
      ws.once('open', () => {
        ws.close();
        resolve();
      });
      ws.once('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const text = logLines.join('');
    // The capture works: the requests above were logged (paths only).
    expect(text).toContain(`"path":"${ADMIN_API_PREFIX}/rooms"`);
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.slice(0, 16));
    expect(text).not.toContain('access_token');
  });
});
