/**
 * The operator's destination lists on a running server D (allow `*.friends.example`, deny
 * 127.0.0.2 and `*.invalid`): outbound requests to a denied server fail with a typed error
 * before any network work; inbound requests from a denied origin get 403 M_FORBIDDEN; loopback B
 * stays reachable both ways despite the allow list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationDeniedError } from '../federation-client/destination-policy';
import { FederationRequestError } from '../federation-client/federation-request-error';
import type { Homeserver } from '../homeserver';
import { initCrypto } from '../rules/signing/sodium';
import { startTestHomeserver } from '../testing/test-homeserver';

const FED = '/_matrix/federation/v1';

let d: Homeserver;
let b: Homeserver;
let c: Homeserver;

beforeAll(async () => {
  await initCrypto();
  [d, b, c] = await Promise.all([
    startTestHomeserver({
      configure: (config) => {
        config.federation.destinations = {
          allow: ['*.friends.example'],
          deny: ['127.0.0.2', '*.invalid'],
        };
      },
    }),
    startTestHomeserver(),
    startTestHomeserver({
      configure: (config) => {
        config.listen.host = '127.0.0.2';
        config.serverName = `127.0.0.2:${config.listen.port}`;
      },
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([d?.stop(), b?.stop(), c?.stop()]);
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('outbound', () => {
  it('fails fast with DestinationDeniedError and never resolves the name', async () => {
    let resolved = 0;
    const discovery = d.context.federation.client.discovery;
    const original = discovery.resolve.bind(discovery);
    discovery.resolve = (name) => {
      resolved++;
      return original(name);
    };
    try {
      for (const denied of [c.config.serverName, 'host.invalid', 'stranger.example']) {
        const started = performance.now();
        const error = await rejection(
          d.context.federation.client.request(denied, 'GET', `${FED}/version`, { signed: false }),
        );
        expect(error).toBeInstanceOf(DestinationDeniedError);
        expect((error as FederationRequestError).kind).toBe('denied');
        expect(performance.now() - started).toBeLessThan(50);
      }
      expect(resolved).toBe(0);
      // Loopback B is allowed despite the allow list, and is really asked.
      const version = await d.context.federation.client.request<{ server: { name: string } }>(
        b.config.serverName,
        'GET',
        `${FED}/version`,
        { signed: false },
      );
      expect(version.server.name).toBe('Skein');
      expect(resolved).toBe(1);
    } finally {
      discovery.resolve = original;
    }
  });

  it('queues nothing for a denied destination', () => {
    d.context.federation.outboundQueue.enqueueEdu([c.config.serverName, 'x.invalid'], {
      edu_type: 'm.presence',
      content: { push: [] },
    });
    expect(
      d.context.federation.outboundQueue
        .status()
        .filter((s) => s.destination === c.config.serverName || s.destination === 'x.invalid'),
    ).toEqual([]);
  });
});

describe('inbound', () => {
  it('answers a denied origin 403 M_FORBIDDEN, an allowed one normally', async () => {
    const path = `${FED}/query/profile`;
    const query = { user_id: `@nobody:${d.config.serverName}` };
    const denied = await rejection(
      c.context.federation.client.request(d.config.serverName, 'GET', path, { query }),
    );
    expect(denied).toBeInstanceOf(FederationRequestError);
    expect((denied as FederationRequestError).details).toMatchObject({
      status: 403,
      errcode: 'M_FORBIDDEN',
    });
    // B gets the endpoint's own answer (no such user), not a refusal.
    const allowed = await rejection(
      b.context.federation.client.request(d.config.serverName, 'GET', path, { query }),
    );
    expect((allowed as FederationRequestError).details).toMatchObject({
      status: 404,
      errcode: 'M_NOT_FOUND',
    });
  });

  it('leaves requests without credentials to authentication (401)', async () => {
    const unsigned = await rejection(
      b.context.federation.client.request(d.config.serverName, 'GET', `${FED}/query/profile`, {
        signed: false,
        query: { user_id: `@x:${d.config.serverName}` },
      }),
    );
    expect((unsigned as FederationRequestError).details.status).toBe(401);
  });
});
