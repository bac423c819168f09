import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Homeserver } from '../homeserver';
import { decodeBase64, encodeBase64 } from '../rules/base64';
import { initCrypto } from '../rules/signing/sodium';
import { verifyJsonSignature } from '../rules/signing/verify-json';
import { isJsonObject } from '../rules/json';
import { requestJson } from '../testing/https-request';
import { startTestHomeserver } from '../testing/test-homeserver';
import { KEY_VALIDITY_MS } from '../key-api/server-keys';

const servers: Homeserver[] = [];
async function start(...args: Parameters<typeof startTestHomeserver>): Promise<Homeserver> {
  const server = await startTestHomeserver(...args);
  servers.push(server);
  return server;
}

beforeAll(async () => {
  await initCrypto();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  vi.restoreAllMocks();
});

function paths(spy: { mock: { calls: unknown[][] } }): string[] {
  return spy.mock.calls.map((call) => `${String(call[0])} ${String(call[1])} ${String(call[2])}`);
}

describe('KeyRing against real servers', () => {
  it('fetches a server’s keys directly, checks them, and caches them', async () => {
    const a = await start();
    const b = await start();
    const spy = vi.spyOn(a.context.federation.client, 'request');
    const keyId = b.context.signingKey.keyId;

    const key = await a.context.federation.keyRing.getVerifyKey(b.config.serverName, keyId);
    expect(key && encodeBase64(key)).toBe(encodeBase64(b.context.signingKey.publicKey));
    expect(paths(spy)).toEqual([`${b.config.serverName} GET /_matrix/key/v2/server`]);

    // Second lookup (and a batch) are answered from the database.
    await a.context.federation.keyRing.getVerifyKey(b.config.serverName, keyId, Date.now());
    const lookup = await a.context.federation.keyRing.prepareKeys([
      { serverName: b.config.serverName, keyId },
      { serverName: a.config.serverName, keyId: a.context.signingKey.keyId },
    ]);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(lookup(b.config.serverName, keyId, undefined)).toEqual(b.context.signingKey.publicKey);
    expect(lookup(a.config.serverName, a.context.signingKey.keyId, undefined)).toEqual(
      a.context.signingKey.publicKey,
    );
    expect(lookup(b.config.serverName, 'ed25519:nope', undefined)).toBeUndefined();
    // Keys are valid up to valid_until_ts, not after (checked synchronously, no fetch).
    expect(lookup(b.config.serverName, keyId, Date.now() + KEY_VALIDITY_MS + 60_000)).toBe(
      undefined,
    );

    const row = a.context.database.sqlite
      .prepare('SELECT * FROM server_keys WHERE server_name = ?')
      .get(b.config.serverName) as { key_id: string; valid_until_ts: number };
    expect(row.key_id).toBe(keyId);
    expect(row.valid_until_ts).toBeGreaterThan(Date.now());
  });

  it('refetches keys whose validity has run out', async () => {
    let offset = 0;
    const a = await start({ clock: { now: () => Date.now() + offset } });
    const b = await start();
    const spy = vi.spyOn(a.context.federation.client, 'request');
    const keyId = b.context.signingKey.keyId;
    await a.context.federation.keyRing.getVerifyKey(b.config.serverName, keyId, Date.now());
    expect(spy).toHaveBeenCalledTimes(1);

    // A day and a bit later, B's answer (valid for 24 h from B's clock) has expired for A.
    offset = KEY_VALIDITY_MS + 60_000;
    const key = await a.context.federation.keyRing.getVerifyKey(
      b.config.serverName,
      keyId,
      Date.now() + offset,
    );
    expect(spy).toHaveBeenCalledTimes(2);
    // B's fresh answer is still only valid until B's now + 24 h, short of A's skewed clock.
    expect(key).toBeUndefined();
    // An unknown key of a server fetched moments ago is not refetched (throttle).
    await a.context.federation.keyRing.getVerifyKey(b.config.serverName, 'ed25519:other');
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('gets keys through a notary, which countersigns them', async () => {
    const b = await start();
    const notary = await start();
    const a = await start({
      configure: (config) => {
        config.federation.notaryServers = [notary.config.serverName];
      },
    });
    const spyA = vi.spyOn(a.context.federation.client, 'request');
    const spyNotary = vi.spyOn(notary.context.federation.client, 'request');
    const keyId = b.context.signingKey.keyId;

    const key = await a.context.federation.keyRing.getVerifyKey(b.config.serverName, keyId);
    expect(key).toEqual(b.context.signingKey.publicKey);
    // A asked the notary for its own key, then for B's; it never contacted B.
    expect(paths(spyA)).toEqual([
      `${notary.config.serverName} GET /_matrix/key/v2/server`,
      `${notary.config.serverName} POST /_matrix/key/v2/query`,
    ]);
    expect(paths(spyNotary)).toEqual([`${b.config.serverName} GET /_matrix/key/v2/server`]);
  });

  it('serves notary queries, signed by the origin and by us', async () => {
    const b = await start();
    const notary = await start();
    const byPost = await requestJson(`${notary.baseUrl}/_matrix/key/v2/query`, {
      method: 'POST',
      body: {
        server_keys: {
          [b.config.serverName]: { [b.context.signingKey.keyId]: { minimum_valid_until_ts: 0 } },
          [notary.config.serverName]: {},
        },
      },
    });
    expect(byPost.status).toBe(200);
    const entries = (byPost.body as { server_keys: unknown[] }).server_keys;
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      if (!isJsonObject(entry)) throw new Error('entry is not an object');
      const origin = entry['server_name'] === b.config.serverName ? b : notary;
      expect(
        verifyJsonSignature(
          entry,
          origin.config.serverName,
          origin.context.signingKey.keyId,
          origin.context.signingKey.publicKey,
        ),
      ).toBe(true);
      expect(
        verifyJsonSignature(
          entry,
          notary.config.serverName,
          notary.context.signingKey.keyId,
          notary.context.signingKey.publicKey,
        ),
      ).toBe(true);
    }

    const byGet = await requestJson(
      `${notary.baseUrl}/_matrix/key/v2/query/${encodeURIComponent(b.config.serverName)}`,
    );
    expect(byGet.status).toBe(200);
    const [entry] = (
      byGet.body as { server_keys: { verify_keys: Record<string, { key: string }> }[] }
    ).server_keys;
    expect(decodeBase64(entry?.verify_keys[b.context.signingKey.keyId]?.key ?? '')).toEqual(
      b.context.signingKey.publicKey,
    );

    const unreachable = await requestJson(`${notary.baseUrl}/_matrix/key/v2/query/127.0.0.1:1`);
    expect(unreachable.body).toEqual({ server_keys: [] });
  });
});
