/**
 * Every federation route except `/version` (and the key API) demands a valid X-Matrix signature
 * from the origin's current key (spec: server-server "Request Authentication"). The routes are
 * collected as they are registered, so an endpoint added later without `authenticateOrigin`
 * fails here: each is hit without credentials, with a signature over another request, and with a
 * key the origin does not have, and must answer 401 M_UNAUTHORIZED every time.
 */
import type { FastifyInstance, HTTPMethods, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildXMatrixAuthorization, formatXMatrixHeader } from '../federation-client/x-matrix';
import type { Homeserver } from '../homeserver';
import { CLIENT_BODY_LIMIT_BYTES } from '../homeserver';
import { createHttpServer } from '../http/http-server';
import { registerKeyApi } from '../key-api/key-api-routes';
import { loadOrCreateTlsMaterial } from '../keys/tls-certificate';
import { silentLogger } from '../logging/logger';
import { initCrypto } from '../rules/signing/sodium';
import { startTestHomeserver } from '../testing/test-homeserver';
import { registerFederationApi } from './federation-api-routes';

/** Needs no signature: the spec says so. */
const UNAUTHENTICATED = new Set(['/_matrix/federation/v1/version']);

let a: Homeserver;
let b: Homeserver;
let app: FastifyInstance;
const routes: { method: string; url: string }[] = [];

beforeAll(async () => {
  await initCrypto();
  [a, b] = await Promise.all([startTestHomeserver(), startTestHomeserver()]);
  const tls = await loadOrCreateTlsMaterial({
    dataDir: a.config.dataDir,
    serverName: a.config.serverName,
    certificateFile: undefined,
    keyFile: undefined,
    now: new Date(),
  });
  app = createHttpServer({ tls, logger: silentLogger, bodyLimitBytes: CLIENT_BODY_LIMIT_BYTES });
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods: HTTPMethods[] = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method !== 'HEAD') routes.push({ method, url: route.url });
    }
  });
  registerFederationApi(app, a.context);
  registerKeyApi(app, a.context);
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await Promise.all([a?.stop(), b?.stop()]);
});

/** The route's path with every parameter filled in with something plausible. */
function concrete(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_, name: string) =>
    encodeURIComponent(
      name.toLowerCase().includes('room')
        ? `!room:${a.config.serverName}`
        : name.toLowerCase().includes('user')
          ? `@u:${b.config.serverName}`
          : name.toLowerCase().includes('event')
            ? '$event'
            : 'x',
    ),
  );
}

const federationRoutes = () =>
  routes.filter((r) => r.url.startsWith('/_matrix/federation/') && !UNAUTHENTICATED.has(r.url));

function inject(method: string, url: string, authorization?: string) {
  const body = method === 'PUT' || method === 'POST' ? {} : undefined;
  return app.inject({
    method: method as HTTPMethods,
    url,
    headers: {
      host: a.config.serverName,
      ...(authorization === undefined ? {} : { authorization }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

function signedBy(server: Homeserver, method: string, uri: string, content?: object): string {
  return buildXMatrixAuthorization(
    {
      method,
      uri,
      origin: server.config.serverName,
      destination: a.config.serverName,
      ...(content === undefined ? {} : { content: content as never }),
    },
    server.context.signingKey,
  );
}

describe('federation route authentication', () => {
  it('collects every federation endpoint we serve', () => {
    const urls = new Set(federationRoutes().map((r) => `${r.method} ${r.url}`));
    for (const expected of [
      'PUT /_matrix/federation/v1/send/:txnId',
      'GET /_matrix/federation/v1/make_join/:roomId/:userId',
      'PUT /_matrix/federation/v2/send_join/:roomId/:eventId',
      'PUT /_matrix/federation/v2/invite/:roomId/:eventId',
      'GET /_matrix/federation/v1/state_ids/:roomId',
      'GET /_matrix/federation/v1/query/profile',
    ]) {
      expect(urls).toContain(expected);
    }
    expect(urls.size).toBeGreaterThanOrEqual(15);
  });

  it('answers 401 to every one without an Authorization header', async () => {
    for (const route of federationRoutes()) {
      const response = await inject(route.method, concrete(route.url));
      expect({ route, status: response.statusCode, body: response.json() }).toMatchObject({
        status: 401,
        body: { errcode: 'M_UNAUTHORIZED' },
      });
    }
  });

  it('answers 401 to a valid signature over a different request, and to an unknown key', async () => {
    for (const route of federationRoutes()) {
      const url = concrete(route.url);
      const content = route.method === 'PUT' || route.method === 'POST' ? {} : undefined;
      const replayed = signedBy(b, route.method, '/_matrix/federation/v1/elsewhere', content);
      const badSig = await inject(route.method, url, replayed);
      expect({ route, status: badSig.statusCode }).toEqual({ route, status: 401 });

      const unknownKey = formatXMatrixHeader({
        origin: b.config.serverName,
        destination: a.config.serverName,
        key: 'ed25519:not_a_key',
        sig: 'c2lnbmF0dXJl',
      });
      const noKey = await inject(route.method, url, unknownKey);
      expect({ route, status: noKey.statusCode }).toEqual({ route, status: 401 });
    }
  });

  it('lets a correctly signed request through (the test can tell the difference)', async () => {
    const uri = `/_matrix/federation/v1/query/profile?user_id=${encodeURIComponent(`@ghost:${a.config.serverName}`)}`;
    const response = await inject('GET', uri, signedBy(b, 'GET', uri));
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ errcode: 'M_NOT_FOUND' });
  });

  it('leaves /version and the key API open', async () => {
    expect((await inject('GET', '/_matrix/federation/v1/version')).statusCode).toBe(200);
    expect((await inject('GET', '/_matrix/key/v2/server')).statusCode).toBe(200);
    expect(routes.some((r) => r.url.startsWith('/_matrix/key/'))).toBe(true);
  });
});
