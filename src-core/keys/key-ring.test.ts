import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serverKeysResponse } from '../key-api/server-keys';
import { silentLogger } from '../logging/logger';
import type { SigningKey } from '../rules/signing/signing-key';
import { signingKeyFromSeed } from '../rules/signing/signing-key';
import { initCrypto } from '../rules/signing/sodium';
import { Database } from '../storage/database';
import { ServerKeyStore } from '../storage/server-key-store';
import type { StoredServerKey } from '../storage/server-key-store';
import { isKeyValidAt, KeyRing, MAX_KEY_VALIDITY_AFTER_FETCH_MS } from './key-ring';

let ours: SigningKey;
let theirs: SigningKey;
const databases: Database[] = [];

beforeAll(async () => {
  await initCrypto();
  ours = signingKeyFromSeed(new Uint8Array(32).fill(4), 'ours');
  theirs = signingKeyFromSeed(new Uint8Array(32).fill(5), 'theirs');
});

afterEach(() => {
  for (const db of databases.splice(0)) db.close();
});

async function ring(now: () => number) {
  const db = await Database.open(
    path.join(mkdtempSync(path.join(tmpdir(), 'skein-keys-')), 'db.sqlite'),
    silentLogger,
  );
  databases.push(db);
  const requests: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const keyRing = new KeyRing({
    serverName: 'me.example',
    signingKey: ours,
    store: new ServerKeyStore(db),
    client: {
      async request<T>(destination: string, method: string, path: string): Promise<T> {
        requests.push(`${destination} ${method} ${path}`);
        await gate;
        return serverKeysResponse('them.example', theirs, now()) as unknown as T;
      },
    },
    notaryServers: [],
    clock: { now },
    logger: silentLogger,
  });
  return { keyRing, requests, release };
}

describe('KeyRing', () => {
  it('shares one fetch between concurrent lookups of the same server', async () => {
    const { keyRing, requests, release } = await ring(() => 1_000);
    const lookups = [
      keyRing.getVerifyKey('them.example', theirs.keyId),
      keyRing.getVerifyKey('them.example', theirs.keyId, 1_000),
      keyRing.prepareKeys([{ serverName: 'them.example', keyId: theirs.keyId }]),
    ];
    release();
    const [first, second, lookup] = await Promise.all(lookups);
    expect(requests).toEqual(['them.example GET /_matrix/key/v2/server']);
    expect(first).toEqual(theirs.publicKey);
    expect(second).toEqual(theirs.publicKey);
    expect(typeof lookup === 'function' && lookup('them.example', theirs.keyId)).toEqual(
      theirs.publicKey,
    );
  });

  it('answers for our own key without any request', async () => {
    const { keyRing, requests } = await ring(() => 1_000);
    expect(await keyRing.getVerifyKey('me.example', ours.keyId, 1_000)).toEqual(ours.publicKey);
    expect(await keyRing.getVerifyKey('me.example', 'ed25519:other')).toBeUndefined();
    expect(requests).toEqual([]);
  });
});

describe('isKeyValidAt', () => {
  const key = (extra: Partial<StoredServerKey>): StoredServerKey => ({
    serverName: 's',
    keyId: 'ed25519:k',
    publicKey: '',
    validUntilTs: 10_000,
    expiredTs: undefined,
    fetchedTs: 0,
    ...extra,
  });

  it('honours valid_until_ts, capped at 7 days after the fetch (room v5 rule)', () => {
    expect(isKeyValidAt(key({}), undefined)).toBe(true);
    expect(isKeyValidAt(key({}), 10_000)).toBe(true);
    expect(isKeyValidAt(key({}), 10_001)).toBe(false);
    const farFuture = key({ validUntilTs: Number.MAX_SAFE_INTEGER });
    expect(isKeyValidAt(farFuture, MAX_KEY_VALIDITY_AFTER_FETCH_MS)).toBe(true);
    expect(isKeyValidAt(farFuture, MAX_KEY_VALIDITY_AFTER_FETCH_MS + 1)).toBe(false);
  });

  it('accepts old keys only for signatures made before expired_ts', () => {
    expect(isKeyValidAt(key({ expiredTs: 500 }), 499)).toBe(true);
    expect(isKeyValidAt(key({ expiredTs: 500 }), 500)).toBe(false);
  });
});
