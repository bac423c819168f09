import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger';
import { Database } from '../storage/database';
import { OutboundQueueStore } from '../storage/outbound-queue-store';
import { BACKOFF_MAX_MS, backoffDelayMs } from './destination-backoff';
import type { FederationRequestOptions } from './federation-http-client';
import { MAX_EDUS_PER_SEND, MAX_PDUS_PER_SEND, OutboundQueue } from './outbound-queue';

interface Call {
  destination: string;
  path: string;
  body: { pdus: unknown[]; edus: unknown[] };
  finish: (error?: Error) => void;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const db = await Database.open(
    path.join(mkdtempSync(path.join(tmpdir(), 'skein-queue-')), 'db.sqlite'),
    silentLogger,
  );
  const calls: Call[] = [];
  const client = {
    request<T>(
      destination: string,
      _method: string,
      path: string,
      options?: FederationRequestOptions,
    ) {
      return new Promise<T>((resolve, reject) => {
        calls.push({
          destination,
          path,
          body: options?.body as Call['body'],
          finish: (error) => (error ? reject(error) : resolve({ pdus: {} } as T)),
        });
        options?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    },
  };
  const store = new OutboundQueueStore(db);
  const queue = new OutboundQueue({
    serverName: 'me.example',
    store,
    client,
    clock: { now: () => Date.now() },
    logger: silentLogger,
    random: () => 0.5,
  });
  queue.start();
  cleanups.push(
    () => db.close(),
    () => queue.stop(),
  );
  return { db, queue, store, calls };
}

function fail(message: string): never {
  throw new Error(message);
}

function at<T>(list: T[], index: number): T {
  return list[index] ?? fail(`no item ${index}`);
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('OutboundQueue', () => {
  it('batches at most 50 PDUs and 100 EDUs per transaction, one transaction in flight', async () => {
    const { queue, calls } = await setup();
    for (let i = 0; i < 60; i++) queue.enqueuePdu(['peer.example'], { n: i });
    for (let i = 0; i < 120; i++) queue.enqueueEdu(['peer.example'], { edu_type: 'x', n: i });
    await until(() => calls.length === 1);
    const first = at(calls, 0);
    expect(first.body.pdus).toHaveLength(MAX_PDUS_PER_SEND);
    expect(first.body.edus).toHaveLength(MAX_EDUS_PER_SEND);
    expect(first.body.pdus[0]).toEqual({ n: 0 });
    // More is queued, but nothing else goes out while the first is unanswered.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls).toHaveLength(1);
    first.finish();
    await until(() => calls.length === 2);
    expect(at(calls, 1).body.pdus).toEqual(Array.from({ length: 10 }, (_, i) => ({ n: 50 + i })));
    expect(at(calls, 1).body.edus).toHaveLength(20);
    expect(at(calls, 1).path).not.toBe(first.path);
    at(calls, 1).finish();
    await until(() => queue.status().length === 0);
  });

  it('never queues for itself and sends each destination its own transaction', async () => {
    const { queue, calls, store } = await setup();
    queue.enqueuePdu(['me.example', 'x.example', 'y.example', 'x.example'], { n: 1 });
    expect(store.queuedCounts()).toEqual(
      new Map([
        ['x.example', 1],
        ['y.example', 1],
      ]),
    );
    await until(() => calls.length === 2);
    expect(calls.map((c) => c.destination).sort()).toEqual(['x.example', 'y.example']);
  });

  it('records doubling backoff on failure, retries with the same transaction ID', async () => {
    const { queue, calls, store } = await setup();
    queue.enqueuePdu(['down.example'], { n: 1 });
    await until(() => calls.length === 1);
    const before = Date.now();
    at(calls, 0).finish(new Error('connection refused'));
    await until(() => store.backoff('down.example') !== undefined);
    const backoff = store.backoff('down.example') ?? fail('no backoff row');
    expect(backoff.failures).toBe(1);
    expect(backoff.lastError).toBe('connection refused');
    expect(backoff.retryAtTs - before).toBeGreaterThanOrEqual(900);
    expect(backoff.retryAtTs - before).toBeLessThan(1_200);
    expect(queue.status()).toMatchObject([{ destination: 'down.example', queued: 1, failures: 1 }]);

    // A peer that talks to us is retried at once, and the retry reuses the transaction ID.
    queue.markReachable('down.example');
    await until(() => calls.length === 2);
    expect(at(calls, 1).path).toBe(at(calls, 0).path);
    at(calls, 1).finish();
    await until(() => queue.status().length === 0);
  });

  it('resumes queued destinations on start and stops cleanly, keeping unsent rows', async () => {
    const { store, calls } = await setup();
    store.enqueue(['later.example'], 'pdu', '{"n":1}', Date.now());
    const queue = new OutboundQueue({
      serverName: 'me.example',
      store,
      client: {
        request: (d, _method, p, o) =>
          new Promise((_resolve, reject) => {
            calls.push({
              destination: d,
              path: p,
              body: o?.body as Call['body'],
              finish: () => {},
            });
            o?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
          }),
      },
      clock: { now: () => Date.now() },
      logger: silentLogger,
    });
    queue.start();
    await until(() => calls.some((c) => c.destination === 'later.example'));
    await queue.stop();
    expect(store.queuedCounts().get('later.example')).toBe(1);
    // Stopping is not a failure of the destination.
    expect(store.backoff('later.example')).toBeUndefined();
  });
});

describe('backoffDelayMs', () => {
  it('doubles from 1 s to a 1 h cap with ±20 % jitter', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((f) => backoffDelayMs(f, mid))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelayMs(50, mid)).toBe(BACKOFF_MAX_MS);
    expect(backoffDelayMs(1, () => 0)).toBe(800);
    expect(backoffDelayMs(1, () => 0.999999)).toBe(1200);
  });
});
