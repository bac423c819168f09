/**
 * Every client-server route that takes a body refuses one over the 1 MiB limit with 413
 * M_TOO_LARGE before its handler (or authentication) runs. Routes are collected as they are
 * registered, so a route added later with its own, larger limit fails here.
 */
import type { FastifyInstance, HTTPMethods, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import { CLIENT_BODY_LIMIT_BYTES } from '../homeserver';
import { createHttpServer } from '../http/http-server';
import { loadOrCreateTlsMaterial } from '../keys/tls-certificate';
import { silentLogger } from '../logging/logger';
import { startTestHomeserver } from '../testing/test-homeserver';
import { registerClientApi } from './client-api-routes';

let server: Homeserver;
let app: FastifyInstance;
const routes: { method: string; url: string }[] = [];

beforeAll(async () => {
  server = await startTestHomeserver();
  const tls = await loadOrCreateTlsMaterial({
    dataDir: server.config.dataDir,
    serverName: server.config.serverName,
    certificateFile: undefined,
    keyFile: undefined,
    now: new Date(),
  });
  app = createHttpServer({ tls, logger: silentLogger, bodyLimitBytes: CLIENT_BODY_LIMIT_BYTES });
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods: HTTPMethods[] = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, url: route.url });
  });
  registerClientApi(app, server.context);
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await server?.stop();
});

const withBody = () =>
  routes.filter((r) => ['PUT', 'POST'].includes(r.method) && r.url.startsWith('/_matrix/client/'));

const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, 'x').replace('*', 'x');

describe('client API body limit', () => {
  it('covers the body-taking routes', () => {
    expect(withBody().length).toBeGreaterThanOrEqual(15);
    expect(withBody().map((r) => r.url)).toContain('/_matrix/client/v3/register');
  });

  it('answers 413 M_TOO_LARGE on each for a body one byte over 1 MiB', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(CLIENT_BODY_LIMIT_BYTES) });
    expect(big.length).toBeGreaterThan(CLIENT_BODY_LIMIT_BYTES);
    for (const route of withBody()) {
      const response = await app.inject({
        method: route.method as HTTPMethods,
        url: concrete(route.url),
        headers: { 'content-type': 'application/json', authorization: 'Bearer whatever' },
        payload: big,
      });
      expect({ route, status: response.statusCode, errcode: response.json().errcode }).toEqual({
        route,
        status: 413,
        errcode: 'M_TOO_LARGE',
      });
    }
  });

  it('still parses a body just under the limit (the limit is the one we mean)', async () => {
    const pad = 'x'.repeat(CLIENT_BODY_LIMIT_BYTES - 100);
    const response = await app.inject({
      method: 'POST',
      url: '/_matrix/client/v3/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ type: 'm.login.password', pad }),
    });
    expect(response.statusCode).not.toBe(413);
  });
});
