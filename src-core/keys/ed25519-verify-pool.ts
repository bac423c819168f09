/**
 * Ed25519 signature verification on worker threads, for big batches (a send_join answer or a
 * /state answer carries one signature per member: 10,000 verifications are ~0.7 s on one
 * thread). The rules (`checkEventSignatures`, libsodium) stay the reference; this only runs the
 * Ed25519 arithmetic of a `SignaturePlan` elsewhere and must give exactly libsodium's answers.
 *
 * The workers run inline code (`eval: true`) that imports nothing of ours, so they work the
 * same under tsx, vitest and a bundled Electron main. They verify with node:crypto (OpenSSL),
 * which is cofactorless like libsodium but more lenient on a few degenerate inputs; the worker
 * first applies libsodium's extra refusals (`crypto_sign_ed25519_verify_detached` in libsodium
 * ≥ 1.0.16): S must be below the group order L, R must not be a small-order point, and the public
 * key must be canonical (y < p) and not of small order. Signatures and keys of the wrong length
 * are refused on this side, as `ed25519Verify` does.
 *
 * Workers are unreferenced while idle, so a process never stays alive for the pool.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface Ed25519Job {
  message: Uint8Array;
  signature: Uint8Array;
  publicKey: Uint8Array;
}

/** Verifies signatures in bulk; answers in job order. */
export type Ed25519BatchVerifier = (jobs: readonly Ed25519Job[]) => Promise<boolean[]>;

const SIGNATURE_BYTES = 64;
const PUBLIC_KEY_BYTES = 32;
/** Jobs per message to a worker: big enough to amortise the hop, small enough to balance. */
const CHUNK_JOBS = 256;

/**
 * The worker's source. Plain JavaScript by necessity (it is not compiled); it receives packed
 * chunks and answers one byte per job (1 = verifies).
 */
const WORKER_SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
// DER SubjectPublicKeyInfo header of an Ed25519 key (RFC 8410); the raw 32 bytes follow.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
// Group order L, little-endian.
const L = Buffer.from('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010', 'hex');
// libsodium's ge25519_has_small_order list: encodings (sign bit ignored) of the points of
// order 1, 2, 4 and 8, and the non-canonical encodings of 0 and 1.
const SMALL_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((hex) => Buffer.from(hex, 'hex'));

function hasSmallOrder(bytes, offset) {
  outer: for (const point of SMALL_ORDER) {
    for (let i = 0; i < 31; i++) if (bytes[offset + i] !== point[i]) continue outer;
    if ((bytes[offset + 31] & 0x7f) === point[31]) return true;
  }
  return false;
}

// y (sign bit masked) must be below p = 2^255 - 19.
function isCanonicalPoint(bytes, offset) {
  if ((bytes[offset + 31] & 0x7f) !== 0x7f) return true;
  for (let i = 30; i > 0; i--) if (bytes[offset + i] !== 0xff) return true;
  return bytes[offset] < 0xed;
}

// S (little-endian) must be below L.
function isCanonicalScalar(bytes, offset) {
  for (let i = 31; i >= 0; i--) {
    const b = bytes[offset + i];
    if (b !== L[i]) return b < L[i];
  }
  return false;
}

const keyObjects = new Map();
function keyObject(keys, index) {
  const raw = Buffer.from(keys.buffer, keys.byteOffset + index * 32, 32);
  const id = raw.toString('hex');
  let entry = keyObjects.get(id);
  if (entry === undefined) {
    entry = null;
    if (isCanonicalPoint(raw, 0) && !hasSmallOrder(raw, 0)) {
      try {
        entry = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
      } catch {
        entry = null;
      }
    }
    if (keyObjects.size > 10000) keyObjects.clear();
    keyObjects.set(id, entry);
  }
  return entry;
}

parentPort.on('message', (chunk) => {
  const { id, messages, bounds, keys, keyIndex, signatures } = chunk;
  const count = keyIndex.length;
  const results = new Uint8Array(count);
  for (let j = 0; j < count; j++) {
    const sigOffset = j * 64;
    if (!isCanonicalScalar(signatures, sigOffset + 32) || hasSmallOrder(signatures, sigOffset)) continue;
    const key = keyObject(keys, keyIndex[j]);
    if (key === null) continue;
    const message = messages.subarray(bounds[2 * j], bounds[2 * j + 1]);
    const signature = signatures.subarray(sigOffset, sigOffset + 64);
    try {
      results[j] = verify(null, message, key, signature) ? 1 : 0;
    } catch {
      results[j] = 0;
    }
  }
  parentPort.postMessage({ id, results }, [results.buffer]);
});
`;

interface PackedChunk {
  id: number;
  messages: Uint8Array;
  /** Start and end of each job's message in `messages`. */
  bounds: Uint32Array;
  /** Distinct public keys, 32 bytes each. */
  keys: Uint8Array;
  keyIndex: Uint32Array;
  signatures: Uint8Array;
}

interface PendingChunk {
  chunk: PackedChunk;
  resolve(results: Uint8Array): void;
  reject(error: Error): void;
}

/** Packs jobs into transferable buffers; a message shared by several jobs is copied once. */
function pack(id: number, jobs: readonly Ed25519Job[]): PackedChunk {
  const messageStart = new Map<Uint8Array, number>();
  let messageBytes = 0;
  for (const job of jobs) {
    if (!messageStart.has(job.message)) {
      messageStart.set(job.message, messageBytes);
      messageBytes += job.message.length;
    }
  }
  const messages = new Uint8Array(messageBytes);
  for (const [message, start] of messageStart) messages.set(message, start);
  // Callers pass the same key object for every signature by a key, so identity finds most;
  // equal bytes in distinct objects are merged by content.
  const byObject = new Map<Uint8Array, number>();
  const keyIds = new Map<string, number>();
  const keyList: Uint8Array[] = [];
  const bounds = new Uint32Array(jobs.length * 2);
  const keyIndex = new Uint32Array(jobs.length);
  const signatures = new Uint8Array(jobs.length * SIGNATURE_BYTES);
  for (const [j, job] of jobs.entries()) {
    const start = messageStart.get(job.message) ?? 0;
    bounds[2 * j] = start;
    bounds[2 * j + 1] = start + job.message.length;
    let index = byObject.get(job.publicKey);
    if (index === undefined) {
      const keyId = Buffer.from(job.publicKey).toString('hex');
      index = keyIds.get(keyId);
      if (index === undefined) {
        index = keyList.length;
        keyIds.set(keyId, index);
        keyList.push(job.publicKey);
      }
      byObject.set(job.publicKey, index);
    }
    keyIndex[j] = index;
    signatures.set(job.signature, j * SIGNATURE_BYTES);
  }
  const keys = new Uint8Array(keyList.length * PUBLIC_KEY_BYTES);
  for (const [i, key] of keyList.entries()) keys.set(key, i * PUBLIC_KEY_BYTES);
  return { id, messages, bounds, keys, keyIndex, signatures };
}

export class Ed25519VerifyPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: PendingChunk[] = [];
  private readonly inFlight = new Map<Worker, PendingChunk>();
  private nextId = 1;
  private closed = false;

  constructor(readonly threads: number) {
    if (!Number.isInteger(threads) || threads < 1) {
      throw new Error(`an Ed25519 verify pool needs at least one thread, got ${threads}`);
    }
  }

  /** Verifies each job; same answers as `ed25519Verify` (libsodium) on the main thread. */
  readonly verify: Ed25519BatchVerifier = async (jobs) => {
    if (this.closed) throw new Error('the Ed25519 verify pool is closed');
    const results: boolean[] = new Array<boolean>(jobs.length).fill(false);
    const sendable: number[] = [];
    for (const [j, job] of jobs.entries()) {
      if (job.signature.length === SIGNATURE_BYTES && job.publicKey.length === PUBLIC_KEY_BYTES)
        sendable.push(j);
    }
    const chunks: Promise<void>[] = [];
    for (let start = 0; start < sendable.length; start += CHUNK_JOBS) {
      const indices = sendable.slice(start, start + CHUNK_JOBS);
      const chunk = pack(
        this.nextId++,
        indices.map((j) => jobs[j] as Ed25519Job),
      );
      chunks.push(
        this.run(chunk).then((answers) => {
          for (const [k, j] of indices.entries()) results[j] = answers[k] === 1;
        }),
      );
    }
    await Promise.all(chunks);
    return results;
  };

  /** Terminates the workers; queued and running batches are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new Error('the Ed25519 verify pool was closed');
    for (const pending of this.queue.splice(0)) pending.reject(error);
    for (const pending of this.inFlight.values()) pending.reject(error);
    this.inFlight.clear();
    await Promise.all(this.workers.splice(0).map((worker) => worker.terminate()));
    this.idle.length = 0;
  }

  private run(chunk: PackedChunk): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ chunk, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker: Worker | undefined;
      try {
        worker = this.idle.pop() ?? this.spawn();
      } catch (error) {
        const reason = new Error(`cannot start an Ed25519 verify worker: ${String(error)}`);
        for (const pending of this.queue.splice(0)) pending.reject(reason);
        return;
      }
      if (!worker) return;
      const pending = this.queue.shift() as PendingChunk;
      this.inFlight.set(worker, pending);
      worker.ref();
      const { chunk } = pending;
      // Freshly allocated by pack(), so plain ArrayBuffers: moved, not copied.
      const buffers = [chunk.messages, chunk.bounds, chunk.keys, chunk.keyIndex, chunk.signatures];
      worker.postMessage(
        chunk,
        buffers.map((view) => view.buffer as ArrayBuffer),
      );
    }
  }

  /** A new worker when fewer than `threads` exist, else undefined. */
  private spawn(): Worker | undefined {
    if (this.workers.length >= this.threads) return undefined;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.on('message', (answer: { id: number; results: Uint8Array }) => {
      const pending = this.inFlight.get(worker);
      this.inFlight.delete(worker);
      if (pending?.chunk.id === answer.id) pending.resolve(answer.results);
      worker.unref();
      this.idle.push(worker);
      this.dispatch();
    });
    const fail = (error: Error): void => {
      this.forget(worker);
      this.inFlight.get(worker)?.reject(error);
      this.inFlight.delete(worker);
      this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`Ed25519 verify worker exited with code ${code}`));
    });
    this.workers.push(worker);
    return worker;
  }

  private forget(worker: Worker): void {
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
    const idleIndex = this.idle.indexOf(worker);
    if (idleIndex >= 0) this.idle.splice(idleIndex, 1);
  }
}

let shared: Ed25519VerifyPool | undefined;

/**
 * The process's pool, created on first use: one worker per core (at most 4), since the main
 * thread mostly waits while a batch is verified.
 */
export function sharedEd25519VerifyPool(): Ed25519VerifyPool {
  shared ??= new Ed25519VerifyPool(Math.max(1, Math.min(4, availableParallelism())));
  return shared;
}
