/**
 * Two ways /sync could skip an event, checked because a load run once reported lost deliveries
 * (the cause was the load client stopping its sync loops early, bench/load/delivery-ledger.ts):
 * - a wake-up lost between a computation and the start of the wait: the long-poll times out
 *   and answers with the `next_batch` of its earlier computation, which must lie below the event
 *   so that the next sync still returns it;
 * - a send rolled back after taking a stream position (StreamCounter.resetTo): the counter must
 *   not fall below a position handed out in a `next_batch`, or a later event could land at or
 *   below a token a client already holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Homeserver } from '../homeserver';
import type { JsonObject } from '../rules/json';
import { getRoomVersion } from '../rules/room-versions';
import { ClientEventSending } from '../rooms/client-event-sending';
import { startTestHomeserver } from '../testing/test-homeserver';
import type { SyncNotifier } from './notifier';
import { DEFAULT_SYNC_FILTER } from './sync-filter';
import type { SyncRequest } from './sync-handler';
import { parseSyncToken } from './sync-token';

let server: Homeserver;
let alice: { userId: string; deviceId: string };
let roomId: string;
let sending: ClientEventSending;

beforeAll(async () => {
  server = await startTestHomeserver();
  const { context } = server;
  alice = { userId: `@alice:${context.serverName}`, deviceId: 'ALICEDEVICE' };
  roomId = context.rooms.creator.create({
    creator: alice.userId,
    version: getRoomVersion('12'),
    preset: 'public_chat',
    name: 'Races',
    topic: undefined,
    invite: [],
    initialState: [],
    creationContent: {},
    powerLevelContentOverride: undefined,
    isDirect: false,
  });
  sending = new ClientEventSending(context.rooms, context.clock);
});
afterAll(async () => {
  await server.stop();
});

let txn = 0;
const say = (body: string): string =>
  sending.sendMessage(alice, roomId, 'm.room.message', `race-${txn++}`, {
    msgtype: 'm.text',
    body,
  });

function sync(since: string | undefined, timeoutMs = 0): Promise<JsonObject> {
  const request: SyncRequest = {
    ...alice,
    since: since === undefined ? undefined : parseSyncToken(since),
    timeoutMs,
    fullState: false,
    filter: DEFAULT_SYNC_FILTER,
  };
  return server.context.sync.handler.sync(request);
}

function timelineIds(response: JsonObject): string[] {
  const rooms = response['rooms'] as {
    join: Record<string, { timeline: { events: JsonObject[] } }>;
  };
  return (rooms.join[roomId]?.timeline.events ?? []).map((e) => e['event_id'] as string);
}

const streamOf = (token: unknown): number => parseSyncToken(token as string).stream;

describe('/sync delivery races', () => {
  it('a wake-up lost before the wait only delays the event: the timed-out answer ends below it', async () => {
    const start = (await sync(undefined))['next_batch'] as string;
    const notifier: SyncNotifier = server.context.sync.notifier;
    const wait = notifier.wait.bind(notifier);
    let sent: string | undefined;
    // The event commits (and notifies nobody) after the computation, before the waiter exists.
    notifier.wait = (...args) => {
      sent ??= say('between compute and wait');
      return wait(args[0], args[1], 50, args[3]);
    };
    let answer: JsonObject;
    try {
      answer = await sync(start, 5_000);
    } finally {
      notifier.wait = wait;
    }
    expect(sent).toBeDefined();
    expect(timelineIds(answer)).toEqual([]);
    const position = server.context.sync.store.streamOrderingOf(sent as string);
    expect(streamOf(answer['next_batch'])).toBe(streamOf(start));
    expect(streamOf(answer['next_batch'])).toBeLessThan(position as number);

    const next = await sync(answer['next_batch'] as string);
    expect(timelineIds(next)).toEqual([sent]);
  });

  it('a rolled-back send leaves the counter at the last committed position; the next event reaches a token issued in between', async () => {
    const { context } = server;
    const before = (await sync(undefined))['next_batch'] as string;
    const committed = context.stream.position;
    const record = context.rooms.clientTxns.record.bind(context.rooms.clientTxns);
    context.rooms.clientTxns.record = () => {
      throw new Error('the transaction-ID write failed');
    };
    try {
      expect(() => say('rolled back')).toThrow('the transaction-ID write failed');
    } finally {
      context.rooms.clientTxns.record = record;
    }
    expect(context.stream.position).toBe(committed);

    const between = await sync(before);
    expect(timelineIds(between)).toEqual([]);
    const token = between['next_batch'] as string;
    expect(streamOf(token)).toBe(committed);

    const later = say('after the rollback');
    expect(context.sync.store.streamOrderingOf(later)).toBeGreaterThan(streamOf(token));
    expect(timelineIds(await sync(token))).toEqual([later]);
  });
});
