import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../rules/json';
import { FederationRequestError } from '../federation-client/federation-request-error';
import { buildXMatrixAuthorization } from '../federation-client/x-matrix';
import type { Homeserver } from '../homeserver';
import { TLS_CERTIFICATE_FILE } from '../keys/tls-certificate';
import { signingKeyFromSeed } from '../rules/signing/signing-key';
import { initCrypto } from '../rules/signing/sodium';
import { requestJson } from '../testing/https-request';
import { startTestHomeserver } from '../testing/test-homeserver';
import type { TransactionHandler } from './transaction-handler';
import { SERVER_SOFTWARE } from './version';

let a: Homeserver;
let b: Homeserver;
const handled: { origin: string; pdus: unknown[]; edus: unknown[] }[] = [];

const fakeHandler: TransactionHandler = {
  async handlePdus(origin, pdus) {
    handled.push({ origin, pdus, edus: [] });
    return Object.fromEntries(
      pdus.map((pdu, i) => [(pdu as { event_id?: string }).event_id ?? `#${i}`, {}]),
    );
  },
  async handleEdus(origin, edus) {
    const last = handled.at(-1);
    if (last && last.origin === origin) last.edus = edus;
  },
};

beforeAll(async () => {
  await initCrypto();
  a = await startTestHomeserver();
  b = await startTestHomeserver();
  b.context.federation.transactionHandler = fakeHandler;
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

const sendPath = (txnId: string) => `/_matrix/federation/v1/send/${txnId}`;

function signedHeaders(
  path: string,
  body: unknown,
  overrides: { destination?: string; origin?: string; seed?: number } = {},
): Record<string, string> {
  const key =
    overrides.seed === undefined
      ? a.context.signingKey
      : signingKeyFromSeed(new Uint8Array(32).fill(overrides.seed), a.context.signingKey.version);
  return {
    authorization: buildXMatrixAuthorization(
      {
        method: 'PUT',
        uri: path,
        origin: overrides.origin ?? a.config.serverName,
        destination: overrides.destination ?? b.config.serverName,
        content: body as never,
      },
      key,
    ),
  };
}

describe('PUT /send through the federation client', () => {
  it('authenticates A, hands the transaction over, and answers a retry from storage', async () => {
    handled.length = 0;
    const body = {
      origin: a.config.serverName,
      origin_server_ts: 1,
      pdus: [{ event_id: '$one' }],
      edus: [{ edu_type: 'm.typing', content: {} }],
    };
    const client = a.context.federation.client;
    const first = await client.request(b.config.serverName, 'PUT', sendPath('t1'), { body });
    expect(first).toEqual({ pdus: { $one: {} } });
    expect(handled).toEqual([{ origin: a.config.serverName, pdus: body.pdus, edus: body.edus }]);
    const again = await client.request(b.config.serverName, 'PUT', sendPath('t1'), {
      body: { ...body, pdus: [{ event_id: '$other' }] },
    });
    expect(again).toEqual(first);
    expect(handled).toHaveLength(1);
  });

  it('reports per-PDU errors from the event pipeline for rooms it does not take part in', async () => {
    const c = await startTestHomeserver();
    try {
      const answer = await a.context.federation.client.request(
        c.config.serverName,
        'PUT',
        sendPath('t1'),
        {
          body: {
            pdus: [{ room_id: '!nope:example.org', event_id: '$x' }, { event_id: '$y' }],
            edus: [],
          },
        },
      );
      expect(answer).toEqual({
        pdus: {
          $x: { error: 'not participating in room !nope:example.org' },
          '#1': { error: 'PDU has no room_id' },
        },
      });
    } finally {
      await c.stop();
    }
  });

  it('refuses transactions over the PDU and EDU limits with 400', async () => {
    const client = a.context.federation.client;
    const tooMany = (n: number) => Array.from({ length: n }, (_, i) => ({ event_id: `$${i}` }));
    const bodies: JsonObject[] = [
      { pdus: tooMany(51) },
      { pdus: [], edus: tooMany(101) },
      { pdus: 5 },
    ];
    for (const body of bodies) {
      const error = await client
        .request(b.config.serverName, 'PUT', sendPath('big'), { body })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FederationRequestError);
      expect((error as FederationRequestError).status).toBe(400);
      expect((error as FederationRequestError).errcode).toBe('M_BAD_JSON');
      expect((error as FederationRequestError).isServerUnreachable).toBe(false);
    }
  });
});

describe('origin authentication', () => {
  const body = { pdus: [], edus: [] };
  const url = () => `${b.baseUrl}${sendPath('auth')}`;

  it('accepts a correctly signed raw request, with or without destination', async () => {
    const ok = await requestJson(url(), {
      method: 'PUT',
      body,
      headers: signedHeaders(sendPath('auth'), body),
    });
    expect(ok.status).toBe(200);
    // Pre-v1.3 senders omit destination but sign with it.
    const header = signedHeaders(sendPath('auth2'), body)['authorization'] ?? '';
    const withoutDestination = header.replace(/destination="[^"]*",/, '');
    expect(withoutDestination).not.toContain('destination');
    const old = await requestJson(`${b.baseUrl}${sendPath('auth2')}`, {
      method: 'PUT',
      body,
      headers: { authorization: withoutDestination },
    });
    expect(old.status).toBe(200);
  });

  it.each([
    ['no header', () => ({})],
    ['another scheme', () => ({ authorization: 'Bearer abc' })],
    ['a signature by the wrong key', () => signedHeaders(sendPath('auth'), body, { seed: 9 })],
    [
      'another destination',
      () => signedHeaders(sendPath('auth'), body, { destination: 'other.example' }),
    ],
    ['a different body', () => signedHeaders(sendPath('auth'), { pdus: [{}] })],
    ['a different path', () => signedHeaders(sendPath('elsewhere'), body)],
    [
      'an origin whose keys cannot be fetched',
      () => signedHeaders(sendPath('auth'), body, { origin: '127.0.0.1:1' }),
    ],
  ])('answers 401 M_UNAUTHORIZED for %s', async (_name, headers) => {
    const response = await requestJson(url(), { method: 'PUT', body, headers: headers() });
    expect(response.status).toBe(401);
    expect((response.body as { errcode: string }).errcode).toBe('M_UNAUTHORIZED');
  });

  it('parses federation bodies strictly (duplicate keys are not JSON to us)', async () => {
    const response = await requestJson(url(), {
      method: 'PUT',
      rawBody: '{"pdus": [], "pdus": []}',
      headers: { 'content-type': 'application/json', ...signedHeaders(sendPath('auth'), body) },
    });
    expect(response.status).toBe(400);
    expect((response.body as { errcode: string }).errcode).toBe('M_NOT_JSON');
  });

  it('reads bodies beyond the client API limit (federation plugin has its own)', async () => {
    const big = { pdus: [], edus: [], padding: 'x'.repeat(2 * 1024 * 1024) };
    const response = await requestJson(url(), { method: 'PUT', body: big });
    // Parsed (not 413), then refused for the missing signature.
    expect(response.status).toBe(401);
    const tooBig = await requestJson(url(), {
      method: 'PUT',
      body: { padding: 'x'.repeat(21 * 1024 * 1024) },
    });
    expect(tooBig.status).toBe(413);
  });

  it('leaves /version unauthenticated', async () => {
    const response = await requestJson(`${b.baseUrl}/_matrix/federation/v1/version`);
    expect(response.status).toBe(200);
  });
});

describe('FederationHttpClient errors', () => {
  it('aborts a response larger than the caller allows', async () => {
    const error = await a.context.federation.client
      .request(b.config.serverName, 'GET', '/_matrix/key/v2/server', {
        signed: false,
        maxResponseBytes: 64,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FederationRequestError);
    expect(error).toMatchObject({
      kind: 'too_large',
      destination: b.config.serverName,
      path: '/_matrix/key/v2/server',
    });
  });

  it('carries status and errcode of an error answer', async () => {
    const error = await a.context.federation.client
      .request(b.config.serverName, 'GET', '/_matrix/federation/v1/nope')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 404, errcode: 'M_UNRECOGNIZED' });
  });

  it('reports an unreachable server as a connect failure', async () => {
    const error = await a.context.federation.client
      .request('127.0.0.1:1', 'GET', '/_matrix/federation/v1/version')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'connect', destination: '127.0.0.1:1' });
    expect((error as FederationRequestError).isServerUnreachable).toBe(true);
  });

  it('verifies TLS by default: a self-signed peer is refused', async () => {
    const strict = await startTestHomeserver({
      configure: (config) => {
        config.federation.insecureSkipTlsVerify = false;
      },
    });
    try {
      const error = await strict.context.federation.client
        .request(b.config.serverName, 'GET', '/_matrix/federation/v1/version')
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'connect' });
      expect(String((error as Error).message)).toMatch(/certificate/i);
    } finally {
      await strict.stop();
    }
  });

  it('trusts a peer whose certificate is in trustedCaFile', async () => {
    const trusting = await startTestHomeserver({
      configure: (config) => {
        config.federation.insecureSkipTlsVerify = false;
        config.federation.trustedCaFile = path.join(b.config.dataDir, TLS_CERTIFICATE_FILE);
      },
    });
    try {
      const answer = await trusting.context.federation.client.request(
        b.config.serverName,
        'GET',
        '/_matrix/federation/v1/version',
      );
      expect(answer).toEqual({ server: SERVER_SOFTWARE });
    } finally {
      await trusting.stop();
    }
  });
});
