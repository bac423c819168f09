/**
 * The remote servers a generated room's members come from. They never run: each is a name and a
 * signing key from a seed. A server that must verify their events (the resident, a joiner) gets
 * their public keys inserted into its key store as if fetched now, with a long validity — what a
 * notary that had already seen them would give. We chose this over serving real key endpoints:
 * server names stay stable across runs (ports would not), so a generated data dir still verifies
 * after a restart.
 *
 * Names end in `.invalid` (RFC 2606), so anything trying to reach them fails at once in DNS
 * instead of waiting for a timeout.
 */
import { encodeBase64 } from '../rules/base64';
import type { SigningKey } from '../rules/signing/signing-key';
import { signingKeyFromSeed } from '../rules/signing/signing-key';
import type { ServerKeyStore } from '../storage/server-key-store';

export interface FakeServer {
  serverName: string;
  signingKey: SigningKey;
}

/** Key version of every fake server's key (`ed25519:gen1`). */
export const FAKE_SERVER_KEY_VERSION = 'gen1';
/** How long inserted keys claim to be valid; key rings still cap at 7 days after "fetching". */
export const FAKE_KEY_VALIDITY_MS = 10 * 365 * 24 * 60 * 60 * 1000;

/** A 32-byte seed from (seed, index): a splitmix-style mix, no randomness involved. */
function keySeed(seed: number, index: number): Uint8Array {
  const out = new Uint8Array(32);
  let state = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  for (let i = 0; i < out.length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
}

/** `count` fake servers, named and keyed deterministically from `seed`. */
export function fakeServers(seed: number, count: number): FakeServer[] {
  const servers: FakeServer[] = [];
  for (let i = 0; i < count; i++) {
    servers.push({
      serverName: `s${i}.gen${seed >>> 0}.skein.invalid`,
      signingKey: signingKeyFromSeed(keySeed(seed, i), FAKE_SERVER_KEY_VERSION),
    });
  }
  return servers;
}

/** Makes a server's key ring accept the fake servers' signatures (see the file comment). */
export function trustFakeServerKeys(
  store: ServerKeyStore,
  servers: readonly FakeServer[],
  now: number,
): void {
  store.upsert(
    servers.map((server) => ({
      serverName: server.serverName,
      keyId: server.signingKey.keyId,
      publicKey: encodeBase64(server.signingKey.publicKey),
      validUntilTs: now + FAKE_KEY_VALIDITY_MS,
      expiredTs: undefined,
      fetchedTs: now,
    })),
  );
}
