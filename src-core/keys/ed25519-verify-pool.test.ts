import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  ed25519Verify,
  initCrypto,
} from '../rules/signing/sodium';
import type { Ed25519Job } from './ed25519-verify-pool';
import { Ed25519VerifyPool } from './ed25519-verify-pool';

const pool = new Ed25519VerifyPool(2);
const utf8 = new TextEncoder();

beforeAll(async () => {
  await initCrypto();
});

afterAll(async () => {
  await pool.close();
});

function keyPair(fill: number): { seed: Uint8Array; publicKey: Uint8Array } {
  const seed = new Uint8Array(32).fill(fill);
  return { seed, publicKey: ed25519PublicKeyFromSeed(seed) };
}

function signedJob(text: string, fill = 1): Ed25519Job {
  const { seed, publicKey } = keyPair(fill);
  const message = utf8.encode(text);
  return { message, signature: ed25519Sign(message, seed, publicKey), publicKey };
}

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const IDENTITY = hex('0100000000000000000000000000000000000000000000000000000000000000');
const ORDER_8 = hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05');
/** y = p + 2: not a canonical encoding (libsodium refuses it as a public key). */
const NON_CANONICAL_Y = hex('efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
/** The group order L, little-endian. */
const L = hex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');

function libsodium(jobs: readonly Ed25519Job[]): boolean[] {
  return jobs.map((job) => ed25519Verify(job.signature, job.message, job.publicKey));
}

/** S + L (little-endian): the same scalar mod L, not canonical. */
function addOrder(scalar: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const sum = (scalar[i] as number) + (L[i] as number) + carry;
    out[i] = sum & 0xff;
    carry = sum >> 8;
  }
  return out;
}

describe('Ed25519VerifyPool', () => {
  it('accepts valid signatures and answers in job order', async () => {
    const jobs = Array.from({ length: 600 }, (_, i) => signedJob(`message ${i}`, (i % 5) + 1));
    const broken = { ...signedJob('broken'), message: utf8.encode('other') };
    const all = [...jobs.slice(0, 300), broken, ...jobs.slice(300)];
    const answers = await pool.verify(all);
    expect(answers).toHaveLength(601);
    expect(answers.filter((a) => !a)).toHaveLength(1);
    expect(answers[300]).toBe(false);
    expect(answers).toEqual(libsodium(all));
  });

  it('refuses tampered messages, tampered signatures and wrong keys, as libsodium does', async () => {
    const good = signedJob('{"type":"m.room.member"}');
    const flipped = (bytes: Uint8Array, index: number): Uint8Array => {
      const copy = bytes.slice();
      copy[index] = (copy[index] as number) ^ 1;
      return copy;
    };
    const jobs: Ed25519Job[] = [
      good,
      { ...good, message: flipped(good.message, 3) },
      { ...good, signature: flipped(good.signature, 0) },
      { ...good, signature: flipped(good.signature, 40) },
      { ...good, publicKey: keyPair(9).publicKey },
      { ...good, signature: good.signature.slice(0, 63) },
      { ...good, publicKey: good.publicKey.slice(0, 31) },
    ];
    const answers = await pool.verify(jobs);
    expect(answers).toEqual([true, false, false, false, false, false, false]);
    expect(answers).toEqual(libsodium(jobs));
  });

  it("applies libsodium's refusals that OpenSSL does not make", async () => {
    // With the identity as key, R = identity and S = 0 satisfy [S]B = R + [h]A for any message:
    // OpenSSL accepts it, libsodium refuses small-order keys and R.
    const forged: Ed25519Job = {
      message: utf8.encode('anything'),
      signature: new Uint8Array([...IDENTITY, ...new Uint8Array(32)]),
      publicKey: IDENTITY,
    };
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), IDENTITY]);
    const openssl = nodeVerify(
      null,
      forged.message,
      createPublicKey({ key: spki, format: 'der', type: 'spki' }),
      forged.signature,
    );
    expect(openssl).toBe(true);

    const good = signedJob('payload');
    const withR = (r: Uint8Array): Uint8Array =>
      new Uint8Array([...r, ...good.signature.slice(32)]);
    const jobs: Ed25519Job[] = [
      forged,
      { ...good, signature: withR(ORDER_8) },
      { ...good, publicKey: ORDER_8 },
      { ...good, publicKey: NON_CANONICAL_Y },
      {
        ...good,
        signature: new Uint8Array([
          ...good.signature.slice(0, 32),
          ...addOrder(good.signature.slice(32)),
        ]),
      },
    ];
    const answers = await pool.verify(jobs);
    expect(libsodium(jobs)).toEqual([false, false, false, false, false]);
    expect(answers).toEqual([false, false, false, false, false]);
  });

  it('agrees with libsodium on random corruptions of valid signatures', async () => {
    const good = Array.from({ length: 8 }, (_, i) => signedJob(`event ${i}`, i + 1));
    const corruption = fc.record({
      which: fc.nat(7),
      part: fc.constantFrom('message', 'signature', 'publicKey', 'none'),
      index: fc.nat(63),
      bit: fc.nat(7),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(corruption, { minLength: 1, maxLength: 80 }), async (changes) => {
        const jobs = changes.map(({ which, part, index, bit }): Ed25519Job => {
          const job = good[which] as Ed25519Job;
          if (part === 'none') return job;
          const bytes = job[part].slice();
          const at = index % bytes.length;
          bytes[at] = (bytes[at] as number) ^ (1 << bit);
          return { ...job, [part]: bytes };
        });
        expect(await pool.verify(jobs)).toEqual(libsodium(jobs));
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it('answers an empty batch and refuses work once closed', async () => {
    expect(await pool.verify([])).toEqual([]);
    const closing = new Ed25519VerifyPool(1);
    expect(await closing.verify([signedJob('x')])).toEqual([true]);
    await closing.close();
    await expect(closing.verify([signedJob('x')])).rejects.toThrow(/closed/);
    expect(() => new Ed25519VerifyPool(0)).toThrow(/at least one thread/);
  });
});
