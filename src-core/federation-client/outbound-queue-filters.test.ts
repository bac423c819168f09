/**
 * Delivery filters of the durable outbound queue: the operator's destination lists and rooms'
 * server ACLs keep items from being queued for a denied server, and drop rows already queued
 * when a server becomes denied (an ACL sent later, lists changed across a restart).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger';
import type { RoomEvent } from '../rules/events/room-event';
import type { JsonObject } from '../rules/json';
import { RoomServerAcl } from '../rooms/room-server-acl';
import { Database } from '../storage/database';
import { OutboundQueueStore } from '../storage/outbound-queue-store';
import { DestinationPolicy } from './destination-policy';
import type { FederationRequestOptions } from './federation-http-client';
import { OutboundQueue } from './outbound-queue';

interface Sent {
  destination: string;
  body: { pdus: JsonObject[]; edus: JsonObject[] };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openStore(dir?: string) {
  const root = dir ?? mkdtempSync(path.join(tmpdir(), 'skein-queue-filter-'));
  const db = await Database.open(path.join(root, 'db.sqlite'), silentLogger);
  cleanups.push(() => db.close());
  return { root, db, store: new OutboundQueueStore(db) };
}

function startQueue(
  store: OutboundQueueStore,
  options: { policy?: DestinationPolicy; started?: boolean } = {},
) {
  const sent: Sent[] = [];
  const client = {
    async request<T>(destination: string, _m: string, _p: string, o?: FederationRequestOptions) {
      sent.push({ destination, body: o?.body as Sent['body'] });
      return { pdus: {} } as T;
    },
  };
  const queue = new OutboundQueue({
    serverName: 'me.example',
    store,
    client,
    clock: { now: () => Date.now() },
    logger: silentLogger,
    random: () => 0.5,
    ...(options.policy ? { destinationPolicy: options.policy } : {}),
  });
  if (options.started !== false) queue.start();
  cleanups.push(() => queue.stop());
  return { queue, sent };
}

async function settle(queue: OutboundQueue): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (queue.status().some((d) => d.queued > 0)) {
    if (Date.now() > deadline) throw new Error('queue did not drain');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, 40));
}

/** A fake room state holding one ACL per room. */
function aclOf(acls: Record<string, JsonObject>): RoomServerAcl {
  return new RoomServerAcl({
    currentState: {
      getCurrentStateEventId: (roomId, type) =>
        type === 'm.room.server_acl' && acls[roomId] ? `$acl-${roomId}` : undefined,
    },
    eventStore: {
      // Only `content` is read from the ACL event.
      getEvent: (eventId) => ({ content: acls[eventId.slice('$acl-'.length)] }) as RoomEvent,
    },
  });
}

describe('outbound queue delivery filters', () => {
  it('never queues anything for a destination the operator denies', async () => {
    const { store } = await openStore();
    const policy = new DestinationPolicy({ allow: undefined, deny: ['*.evil.example'] });
    const { queue, sent } = startQueue(store, { policy });
    queue.enqueuePdu(['a.evil.example', 'good.example'], { room_id: '!r:me.example', n: 1 });
    queue.enqueueEdu(['b.evil.example:8448'], { edu_type: 'm.presence', content: {} });
    expect(store.queuedCounts()).toEqual(new Map([['good.example', 1]]));
    await settle(queue);
    expect(sent.map((s) => s.destination)).toEqual(['good.example']);
  });

  it('drops rows queued before a restart for a destination now denied', async () => {
    const first = await openStore();
    const before = startQueue(first.store, { started: false });
    before.queue.enqueuePdu(['evil.example', 'good.example'], { room_id: '!r:x', n: 1 });
    expect(first.store.queuedCounts().get('evil.example')).toBe(1);
    await before.queue.stop();

    const policy = new DestinationPolicy({ allow: undefined, deny: ['evil.example'] });
    const { queue, sent } = startQueue(first.store, { policy });
    await settle(queue);
    expect(sent.map((s) => s.destination)).toEqual(['good.example']);
    expect(first.store.queuedCounts().size).toBe(0);
  });

  it('keeps PDUs and room EDUs of an ACL-denied room from the denied server only', async () => {
    const { store } = await openStore();
    const acls: Record<string, JsonObject> = {
      '!acl:me.example': { allow: ['*'], deny: ['bad.example'] },
    };
    const { queue, sent } = startQueue(store);
    const acl = aclOf(acls);
    queue.addDeliveryFilter((d, k, i) => acl.mayDeliver(d, k, i));
    const everyone = ['bad.example:8448', 'good.example'];
    queue.enqueuePdu(everyone, { room_id: '!acl:me.example', n: 1 });
    queue.enqueuePdu(everyone, { room_id: '!open:me.example', n: 2 });
    queue.enqueueEdu(everyone, {
      edu_type: 'm.typing',
      content: { room_id: '!acl:me.example', user_id: '@a:me.example', typing: true },
    });
    queue.enqueueEdu(everyone, {
      edu_type: 'm.receipt',
      content: { '!acl:me.example': { 'm.read': {} } },
    });
    // Not about a room: the ACL has nothing to say.
    queue.enqueueEdu(everyone, { edu_type: 'm.presence', content: { push: [] } });
    await settle(queue);
    const to = (destination: string) => sent.filter((s) => s.destination === destination);
    expect(to('bad.example:8448').flatMap((s) => s.body.pdus)).toEqual([
      { room_id: '!open:me.example', n: 2 },
    ]);
    expect(to('bad.example:8448').flatMap((s) => s.body.edus.map((e) => e['edu_type']))).toEqual([
      'm.presence',
    ]);
    expect(to('good.example').flatMap((s) => s.body.pdus)).toHaveLength(2);
    expect(to('good.example').flatMap((s) => s.body.edus)).toHaveLength(3);
  });

  it('drops rows already queued when the room ACL starts denying their destination', async () => {
    const { store } = await openStore();
    const acls: Record<string, JsonObject> = {};
    const { queue, sent } = startQueue(store, { started: false });
    const acl = aclOf(acls);
    queue.addDeliveryFilter((d, k, i) => acl.mayDeliver(d, k, i));
    for (let n = 0; n < 3; n++) queue.enqueuePdu(['bad.example'], { room_id: '!r:me.example', n });
    queue.enqueuePdu(['bad.example'], { room_id: '!other:me.example', n: 9 });
    expect(store.queuedCounts().get('bad.example')).toBe(4);
    // The ACL arrives while the rows wait (destination down, or queue not yet started).
    acls['!r:me.example'] = { allow: ['*'], deny: ['bad.example'] };
    queue.start();
    await settle(queue);
    expect(sent.flatMap((s) => s.body.pdus)).toEqual([{ room_id: '!other:me.example', n: 9 }]);
    expect(store.queuedCounts().size).toBe(0);
  });
});
