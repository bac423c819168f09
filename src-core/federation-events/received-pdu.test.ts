import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ed25519VerifyPool } from '../keys/ed25519-verify-pool';
import { checkContentHash } from '../rules/hashes/content-hash';
import { computeEventId } from '../rules/hashes/event-id';
import type { JsonObject } from '../rules/json';
import type { RoomVersion } from '../rules/room-versions';
import { getRoomVersion } from '../rules/room-versions';
import { signEvent } from '../rules/signing/sign-event';
import type { SigningKey } from '../rules/signing/signing-key';
import { signingKeyFromSeed } from '../rules/signing/signing-key';
import { initCrypto } from '../rules/signing/sodium';
import type { EventKeyLookup } from '../rules/signing/verify-event';
import { checkEventSignatures } from '../rules/signing/verify-event';
import type { KeyPreparer, ReceivedPduResult } from './received-pdu';
import { POOL_MIN_SIGNATURES, checkReceivedPdus } from './received-pdu';

const pool = new Ed25519VerifyPool(2);
let aKey: SigningKey;
let bKey: SigningKey;
/** a.example's key ID but b.example's secret: signatures that are well-formed but wrong. */
let forgedKey: SigningKey;

beforeAll(async () => {
  await initCrypto();
  aKey = signingKeyFromSeed(new Uint8Array(32).fill(1), 'a1');
  bKey = signingKeyFromSeed(new Uint8Array(32).fill(2), 'b1');
  forgedKey = { ...signingKeyFromSeed(new Uint8Array(32).fill(3), 'a1') };
});

afterAll(async () => {
  await pool.close();
});

const lookup: EventKeyLookup = (server, keyId) =>
  server === 'a.example' && keyId === aKey.keyId
    ? aKey.publicKey
    : server === 'b.example' && keyId === bKey.keyId
      ? bKey.publicKey
      : undefined;
const keys: KeyPreparer = { prepareKeys: () => Promise.resolve(lookup) };

/** An event reference in the version's format. */
function reference(name: string, version: RoomVersion): JsonObject[string] {
  if (version.eventIdFormat === 'v1') return [`$${name}:a.example`, { sha256: 'AAAA' }];
  return `$${name.padEnd(43, 'A')}`;
}

function member(i: number, version: RoomVersion): JsonObject {
  const server = i % 3 === 0 ? 'b.example' : 'a.example';
  return {
    type: 'm.room.member',
    room_id: '!r:a.example',
    sender: `@u${i}:${server}`,
    state_key: `@u${i}:${server}`,
    content: { membership: 'join', displayname: `User ${i}` },
    depth: 10 + i,
    prev_events: [reference('prev', version)],
    auth_events: [reference('create', version)],
    origin_server_ts: 1_000 + i,
    ...(version.eventIdFormat === 'v1' ? { event_id: `$e${i}:${server}`, origin: server } : {}),
  };
}

/** Valid events mixed with every kind of failure the checks tell apart. */
function batch(version: RoomVersion): unknown[] {
  return Array.from({ length: 120 }, (_, i): unknown => {
    const pdu = member(i, version);
    const server = String(pdu['sender']).split(':')[1] as string;
    const key = server === 'a.example' ? aKey : bKey;
    const signed = signEvent(pdu, server, key, version);
    switch (i % 8) {
      case 1: // content changed after signing: signature still valid, hash not → redacted
        return { ...signed, content: { membership: 'join', displayname: 'Mallory' } };
      case 2: // signature by the wrong secret under the right key ID
        return server === 'a.example' ? signEvent(pdu, server, forgedKey, version) : signed;
      case 3: // a signed field changed: the signature no longer verifies
        return { ...signed, origin_server_ts: 5 };
      case 4: // unknown key only
        return signEvent(pdu, server, { ...key, keyId: 'ed25519:unknown' }, version);
      case 5: // not an event at all
        return { ...signed, depth: 'deep' };
      default:
        return signed;
    }
  });
}

describe('checkReceivedPdus with the worker pool', () => {
  for (const id of ['1', '10', '11']) {
    it(`gives exactly the rules' verdicts (room v${id})`, async () => {
      const version = getRoomVersion(id);
      const raw = batch(version);
      let pooledJobs = 0;
      const counting = async (jobs: Parameters<typeof pool.verify>[0]): Promise<boolean[]> => {
        pooledJobs += jobs.length;
        return pool.verify(jobs);
      };
      const pooled = await checkReceivedPdus(raw, version, keys, { verifier: counting });
      const here = await checkReceivedPdus(raw, version, keys, { verifier: null });
      expect(pooledJobs).toBeGreaterThanOrEqual(POOL_MIN_SIGNATURES);
      expect(pooled).toEqual(here);

      // And both agree with the rules applied one event at a time.
      const summary = { ok: 0, redacted: 0, badSignature: 0, invalid: 0 };
      for (const [i, result] of pooled.entries()) {
        const pdu = raw[i] as JsonObject;
        if (i % 8 === 5) {
          expect(result).toMatchObject({ ok: false, reason: /^invalid event/ });
          summary.invalid++;
          continue;
        }
        const signatures = checkEventSignatures(pdu, version, lookup);
        expect(result.ok).toBe(signatures.ok);
        if (!result.ok) {
          expect(signatures.ok).toBe(false);
          if (!signatures.ok)
            expect(result.reason).toBe(
              `bad signature from ${signatures.server}: ${signatures.reason}`,
            );
          expect(result.eventId).toBe(computeEventId(pdu, version));
          summary.badSignature++;
          continue;
        }
        expect(result.event.eventId).toBe(computeEventId(pdu, version));
        expect(result.redacted).toBe(!checkContentHash(pdu));
        if (result.redacted) summary.redacted++;
        else summary.ok++;
      }
      // 120 events: 15 of each failure kind (case 2 only forges a.example's 10 of them).
      expect(summary).toEqual({ ok: 50, redacted: 15, badSignature: 40, invalid: 15 });
    });
  }

  it('falls back to this thread when the pool fails, with the same verdicts', async () => {
    const version = getRoomVersion('10');
    const raw = batch(version);
    const broken = (): Promise<boolean[]> => Promise.reject(new Error('worker died'));
    expect(await checkReceivedPdus(raw, version, keys, { verifier: broken })).toEqual(
      await checkReceivedPdus(raw, version, keys, { verifier: null }),
    );
  });

  it('shows the verdicts-if-signatures-verify while the pool works, and reuses them', async () => {
    const version = getRoomVersion('10');
    const raw = batch(version);
    let provisional: readonly ReceivedPduResult[] = [];
    const results = await checkReceivedPdus(raw, version, keys, {
      verifier: pool.verify,
      whileVerifying: (early) => {
        provisional = early;
      },
    });
    expect(provisional).toHaveLength(raw.length);
    for (const [i, result] of results.entries()) {
      const early = provisional[i] as ReceivedPduResult;
      // Forged (2) and altered (3) events looked fine before their signatures were checked.
      if (i % 8 === 3 || (i % 8 === 2 && i % 3 !== 0)) {
        expect(early.ok).toBe(true);
        expect(result.ok).toBe(false);
      } else expect(result).toBe(early);
    }
    let called = false;
    await checkReceivedPdus(raw.slice(0, 8), version, keys, {
      whileVerifying: () => {
        called = true;
      },
    });
    expect(called).toBe(false);
  });

  it('keeps small batches on this thread', async () => {
    const version = getRoomVersion('10');
    const never = (): Promise<boolean[]> => Promise.reject(new Error('not for small batches'));
    const raw = batch(version).slice(0, 8);
    const results = await checkReceivedPdus(raw, version, keys, { verifier: never });
    expect(results.filter((r) => r.ok)).toHaveLength(4);
  });
});
