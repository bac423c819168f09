import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionHandler } from '../federation-api/transaction-handler';
import type { Homeserver } from '../homeserver';
import { initCrypto } from '../rules/signing/sodium';
import { startTestHomeserver } from '../testing/test-homeserver';

const running = new Set<Homeserver>();

beforeAll(async () => {
  await initCrypto();
});

afterEach(async () => {
  await Promise.all([...running].map((s) => s.stop()));
  running.clear();
});

function recorder(server: Homeserver): { origin: string; pdus: unknown[]; edus: unknown[] }[] {
  const received: { origin: string; pdus: unknown[]; edus: unknown[] }[] = [];
  const handler: TransactionHandler = {
    async handlePdus(origin, pdus) {
      received.push({ origin, pdus, edus: [] });
      return {};
    },
    async handleEdus(origin, edus) {
      const last = received.at(-1);
      if (last) last.edus = edus;
    },
  };
  server.context.federation.transactionHandler = handler;
  return received;
}

async function start(options?: { dataDir: string; port: number }): Promise<Homeserver> {
  const server = await startTestHomeserver(
    options && {
      dataDir: options.dataDir,
      configure: (config) => {
        config.listen.port = options.port;
        config.serverName = `127.0.0.1:${options.port}`;
      },
    },
  );
  running.add(server);
  return server;
}

async function stop(server: Homeserver): Promise<void> {
  running.delete(server);
  await server.stop();
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const pdu = (n: number) => ({ event_id: `$event${n}`, type: 'm.room.message' });

describe('OutboundQueue between real servers', () => {
  it('delivers a queued PDU and EDU to the destination within 500 ms', async () => {
    const a = await start();
    const b = await start();
    const received = recorder(b);
    const queue = a.context.federation.outboundQueue;
    const started = Date.now();
    a.context.database.transaction(() => {
      queue.enqueuePdu([b.config.serverName, a.config.serverName], pdu(1));
      queue.enqueueEdu([b.config.serverName], { edu_type: 'm.typing', content: { typing: true } });
    });
    await waitFor('delivery', () => received.length > 0, 500);
    expect(Date.now() - started).toBeLessThan(500);
    expect(received).toEqual([
      {
        origin: a.config.serverName,
        pdus: [pdu(1)],
        edus: [{ edu_type: 'm.typing', content: { typing: true } }],
      },
    ]);
    await waitFor('rows removed', () => queue.status().length === 0);
  });

  it('keeps PDUs while the destination is down and delivers after it restarts', async () => {
    const a = await start();
    let b = await start();
    const bDir = b.config.dataDir;
    const bPort = b.port;
    await stop(b);

    const queue = a.context.federation.outboundQueue;
    a.context.database.transaction(() => queue.enqueuePdu([`127.0.0.1:${bPort}`], pdu(2)));
    await waitFor('a failed attempt', () => (queue.status()[0]?.failures ?? 0) >= 1);
    const [status] = queue.status();
    expect(status).toMatchObject({ destination: `127.0.0.1:${bPort}`, queued: 1 });
    expect(status?.lastError).toMatch(/connect/);
    expect(status?.retryAtTs).toBeGreaterThan(Date.now());

    b = await start({ dataDir: bDir, port: bPort });
    const received = recorder(b);
    await waitFor('delivery after restart', () => received.length > 0);
    expect(received[0]?.pdus).toEqual([pdu(2)]);
    await waitFor('queue and backoff cleared', () => queue.status().length === 0);
  });

  it('survives a restart of the sender', async () => {
    let a = await start();
    let b = await start();
    const aDir = a.config.dataDir;
    const aPort = a.port;
    const bDir = b.config.dataDir;
    const bPort = b.port;
    await stop(b);
    a.context.database.transaction(() =>
      a.context.federation.outboundQueue.enqueuePdu([b.config.serverName], pdu(3)),
    );
    await waitFor('a failed attempt', () =>
      a.context.federation.outboundQueue.status().some((s) => s.failures >= 1),
    );
    await stop(a);

    b = await start({ dataDir: bDir, port: bPort });
    const received = recorder(b);
    a = await start({ dataDir: aDir, port: aPort });
    await waitFor('delivery after the sender restarted', () => received.length > 0);
    expect(received[0]).toMatchObject({ origin: `127.0.0.1:${aPort}`, pdus: [pdu(3)] });
  });
});
