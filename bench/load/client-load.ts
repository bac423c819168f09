/**
 * Client load on loopback (reliability issue §4): N clients register, join one shared room and
 * create a few rooms of their own, then for a fixed time each sends messages at a seeded,
 * jittered pace while long-polling /sync. Bounded: sending stops at the deadline, the sync loops
 * stop once every send has been answered and every member has seen every event it must see (or
 * a drain deadline passes) — see delivery-ledger.ts for why "answered" matters.
 *
 * Counted: every non-200 (an error), every sent event ID some member's sync never returned
 * (lost), the send latency (request to 200) and the sync wake-up latency — from the moment the
 * sender had its 200 to the moment another member's /sync returned the event (clamped at 0: a
 * sync may return before the sender's own 200 arrives).
 */
import type { Homeserver } from '../../src-core/homeserver';
import type { TestUser } from '../../src-core/testing/matrix-test-client';
import { expectStatus, registerUser } from '../../src-core/testing/matrix-test-client';
import { startTestHomeserver } from '../../src-core/testing/test-homeserver';
import { SeededRandom } from '../../src-core/util/seeded-random';
import { percentile } from '../timing';
import { DeliveryLedger } from './delivery-ledger';
import type { SyncWindow } from './sync-window-log';
import { SyncWindowLog } from './sync-window-log';

export interface ClientLoadOptions {
  clients: number;
  /** Sending time; the drain afterwards is extra. */
  durationMs: number;
  /** Rooms each client creates for itself (and sends to now and then). */
  ownRooms: number;
  /** Mean time between one client's sends; each gap is jittered ±50%. */
  sendIntervalMs: number;
  seed: number;
  /** Called while the load runs (peak-RSS sampling). */
  onTick?: () => void;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ClientLoadResult {
  sent: number;
  /** Sync responses whose timeline was `limited` (filled from /messages). */
  limitedSyncs: number;
  /** (event, member) pairs delivered through /sync. */
  deliveries: number;
  errors: number;
  errorSamples: string[];
  lost: number;
  /** Up to 10 event IDs some member never saw, for investigation. */
  lostEvents: string[];
  /** Up to 10 lost (event, member) pairs with their evidence (the suite prints them). */
  lostDetails: LostDelivery[];
  send: LatencySummary;
  syncWake: LatencySummary;
  peakRssBytes: number;
  wallMs: number;
}

/** A lost (event, member) pair with what the server and the member's syncs say about it. */
export interface LostDelivery {
  eventId: string;
  roomId: string;
  sender: string;
  member: string;
  /** The event's stream position on the server (undefined: never stored). */
  streamOrdering: number | undefined;
  /** The member's syncs whose window ends just before / covers / starts just after it. */
  windows: SyncWindow[];
  /** Milliseconds after sending stopped: the sender's 200, and the member's sync loop ending. */
  acceptedAfterStopMs: number;
  memberStoppedAfterStopMs: number | undefined;
}

const SYNC_TIMEOUT_MS = 5_000;
/** The server's maximum; a burst larger than this comes back `limited` and is paginated. */
const SYNC_FILTER = encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 100 } } }));
const DRAIN_DEADLINE_MS = 30_000;

export function summariseLatency(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] as number,
  };
}

interface SyncBody {
  next_batch: string;
  rooms?: {
    join?: Record<
      string,
      { timeline?: { events?: { event_id: string }[]; limited?: boolean; prev_batch?: string } }
    >;
  };
}

class ErrorLog {
  count = 0;
  readonly samples: string[] = [];
  record(what: string): void {
    this.count++;
    if (this.samples.length < 10) this.samples.push(what);
  }
}

export async function runClientLoad(options: ClientLoadOptions): Promise<ClientLoadResult> {
  const started = performance.now();
  let peakRss = process.memoryUsage.rss();
  const sampleRss = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    options.onTick?.();
  };
  const sampler = setInterval(sampleRss, 50);
  const server = await startTestHomeserver();
  try {
    return await drive(server, options, sampleRss, started);
  } finally {
    clearInterval(sampler);
    sampleRss();
    await server.stop();
  }

  async function drive(
    hs: Homeserver,
    opts: ClientLoadOptions,
    tick: () => void,
    t0: number,
  ): Promise<ClientLoadResult> {
    const errors = new ErrorLog();
    const random = new SeededRandom(opts.seed);
    const users: TestUser[] = [];
    for (let i = 0; i < opts.clients; i++) users.push(await registerUser(hs, `load${i}`));
    const owner = users[0] as TestUser;
    const shared = expectStatus<{ room_id: string }>(
      await owner.call('POST', '/createRoom', { preset: 'public_chat', name: 'load' }),
      200,
    ).room_id;
    const ownRooms = new Map<TestUser, string[]>();
    await Promise.all(
      users.map(async (user) => {
        if (user !== owner) {
          expectStatus(await user.call('POST', `/join/${encodeURIComponent(shared)}`, {}), 200);
        }
        const mine: string[] = [];
        for (let r = 0; r < opts.ownRooms; r++) {
          mine.push(
            expectStatus<{ room_id: string }>(
              await user.call('POST', '/createRoom', { preset: 'private_chat' }),
              200,
            ).room_id,
          );
        }
        ownRooms.set(user, mine);
      }),
    );
    tick();

    // Start every sync stream at "now", after all joins: what follows must all arrive.
    const since = new Map<TestUser, string>();
    await Promise.all(
      users.map(async (user) => {
        const body = expectStatus<SyncBody>(await user.call('GET', '/sync?timeout=0'), 200);
        since.set(user, body.next_batch);
      }),
    );

    const ledger = new DeliveryLedger(
      users.map((u) => u.userId),
      shared,
    );
    const windows = new Map<string, SyncWindowLog>(
      users.map((u) => [u.userId, new SyncWindowLog()]),
    );
    const syncEnded = new Map<string, number>();
    let sendingStoppedAt = Number.POSITIVE_INFINITY;
    const sendLatencies: number[] = [];
    let sending = true;
    let syncing = true;

    let limitedSyncs = 0;
    /** Pages back from `from` until a page holds an event already seen (or history ends). */
    const backfill = async (user: TestUser, roomId: string, from: string, now: number) => {
      let token: string | undefined = from;
      for (let page = 0; token !== undefined && page < 50; page++) {
        const response = await user.call(
          'GET',
          `/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=100&from=${encodeURIComponent(token)}`,
        );
        if (response.status !== 200) {
          errors.record(
            `messages ${user.userId}: ${response.status} ${response.text.slice(0, 200)}`,
          );
          return;
        }
        const body = response.body as { chunk: { event_id: string }[]; end?: string };
        let reachedKnown = false;
        for (const event of body.chunk) {
          if (ledger.hasSeen(user.userId, event.event_id)) reachedKnown = true;
          else ledger.see(user.userId, event.event_id, now);
        }
        if (reachedKnown || body.chunk.length === 0) return;
        token = body.end;
      }
    };

    const syncLoop = async (user: TestUser) => {
      while (syncing) {
        const path = `/sync?filter=${SYNC_FILTER}&timeout=${SYNC_TIMEOUT_MS}&since=${encodeURIComponent(since.get(user) as string)}`;
        let response;
        try {
          response = await user.call('GET', path);
        } catch (error) {
          errors.record(`sync ${user.userId}: ${String(error)}`);
          continue;
        }
        const now = performance.now();
        if (response.status !== 200) {
          errors.record(`sync ${user.userId}: ${response.status} ${response.text.slice(0, 200)}`);
          continue;
        }
        const body = response.body as SyncBody;
        const joined = Object.values(body.rooms?.join ?? {});
        windows.get(user.userId)?.add({
          since: streamPart(since.get(user) as string),
          next: streamPart(body.next_batch),
          events: joined.reduce((n, room) => n + (room.timeline?.events?.length ?? 0), 0),
          limited: joined.some((room) => room.timeline?.limited === true),
        });
        since.set(user, body.next_batch);
        for (const [roomId, room] of Object.entries(body.rooms?.join ?? {})) {
          const events = room.timeline?.events ?? [];
          // A gap, as a real client would see it: fill it from /messages before going on.
          if (room.timeline?.limited && room.timeline.prev_batch !== undefined) {
            limitedSyncs++;
            await backfill(user, roomId, room.timeline.prev_batch, now);
          }
          for (const event of events) ledger.see(user.userId, event.event_id, now);
        }
        // Not merely "sending stopped": a send still in flight may yet add an event.
        if (ledger.complete) syncing = false;
      }
      syncEnded.set(user.userId, performance.now());
    };

    const sendLoop = async (user: TestUser, index: number) => {
      const mine = ownRooms.get(user) ?? [];
      let n = 0;
      // Stagger the first sends so 50 clients do not fire in the same millisecond.
      await sleep(random.int(0, opts.sendIntervalMs));
      while (sending) {
        const toOwn = mine.length > 0 && random.chance(0.2);
        const roomId = toOwn ? (mine[random.int(0, mine.length - 1)] as string) : shared;
        const txn = `load-${index}-${n++}`;
        const t = performance.now();
        let response;
        ledger.sendStarted();
        try {
          response = await user.call(
            'PUT',
            `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txn}`,
            { msgtype: 'm.text', body: `${user.userId} #${n}` },
          );
        } catch (error) {
          ledger.sendSettled();
          errors.record(`send ${user.userId}: ${String(error)}`);
          continue;
        }
        const at = performance.now();
        if (response.status !== 200) {
          ledger.sendSettled();
          errors.record(`send ${user.userId}: ${response.status} ${response.text.slice(0, 200)}`);
        } else {
          sendLatencies.push(at - t);
          ledger.sendSettled((response.body as { event_id: string }).event_id, {
            at,
            roomId,
            senderId: user.userId,
          });
        }
        const gap = opts.sendIntervalMs * (0.5 + random.next());
        await sleep(gap);
      }
    };

    const syncs = users.map((u) => syncLoop(u));
    const sends = users.map((u, i) => sendLoop(u, i));
    await sleep(opts.durationMs);
    sending = false;
    ledger.closeSending();
    sendingStoppedAt = performance.now();
    await Promise.all(sends);
    // Drain: the sync loops end themselves once everything arrived; this bounds a loss.
    const drainUntil = performance.now() + DRAIN_DEADLINE_MS;
    while (syncing && performance.now() < drainUntil) {
      if (ledger.complete) syncing = false;
      else await sleep(50);
    }
    syncing = false;
    // One last, uncounted message wakes every long-poll so the loops end now, not at timeout.
    await owner.call('PUT', `/rooms/${encodeURIComponent(shared)}/send/m.room.message/load-end`, {
      msgtype: 'm.notice',
      body: 'end of load',
    });
    await Promise.all(syncs);

    let lost = 0;
    const lostEvents = new Set<string>();
    const lostDetails: LostDelivery[] = [];
    const streamOrderingOf = (eventId: string) => hs.context.sync.store.streamOrderingOf(eventId);
    let deliveries = 0;
    const wake: number[] = [];
    for (const [eventId, info] of ledger.events()) {
      for (const member of ledger.audience(info)) {
        const at = ledger.seenAt(member, eventId);
        if (at === undefined) {
          lost++;
          lostEvents.add(eventId);
          if (lostDetails.length < 10) {
            const position = streamOrderingOf(eventId);
            lostDetails.push({
              eventId,
              roomId: info.roomId,
              sender: info.senderId,
              member,
              streamOrdering: position,
              windows: windows.get(member)?.around(position) ?? [],
              acceptedAfterStopMs: info.at - sendingStoppedAt,
              memberStoppedAfterStopMs: syncEnded.has(member)
                ? (syncEnded.get(member) as number) - sendingStoppedAt
                : undefined,
            });
          }
          continue;
        }
        deliveries++;
        if (member !== info.senderId) wake.push(Math.max(0, at - info.at));
      }
    }
    return {
      sent: ledger.acceptedCount,
      limitedSyncs,
      deliveries,
      errors: errors.count,
      errorSamples: errors.samples,
      lost,
      lostEvents: [...lostEvents].slice(0, 10),
      lostDetails,
      send: summariseLatency(sendLatencies),
      syncWake: summariseLatency(wake),
      peakRssBytes: peakRss,
      wallMs: performance.now() - t0,
    };
  }
}

/** The stream part of a `s<stream>_<typing>` token. */
function streamPart(token: string): number {
  const match = /^s(\d+)_/.exec(token);
  return match ? Number(match[1]) : Number.NaN;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
