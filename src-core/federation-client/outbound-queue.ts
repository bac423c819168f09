/**
 * The durable outbound federation queue. Callers enqueue PDUs/EDUs for destinations inside
 * their own database transaction; a per-destination sender then delivers them in `/send`
 * transactions of at most 50 PDUs and 100 EDUs, one transaction in flight per destination,
 * removing rows only after a 200. Failures back off exponentially (persisted, so a restart does
 * not hammer a dead server) and are retried forever; queued rows survive restarts.
 *
 * Transaction IDs are derived from the queue rows they carry, so a retry of an unanswered
 * transaction reuses its ID and the receiver's idempotency check catches a lost 200.
 *
 * Delivery filters (the operator's destination lists, rooms' `m.room.server_acl`) are applied
 * twice: at enqueue, so nothing is stored for a server that may not have it, and again just
 * before sending, so rows queued before a deny (an ACL sent later, a list changed across a
 * restart) are dropped rather than delivered or retried forever.
 */
import { setMaxListeners } from 'node:events';
import type { JsonObject } from '../rules/json';
import type { Logger } from '../logging/logger';
import type { OutboundQueueStore } from '../storage/outbound-queue-store';
import type { Clock } from '../util/clock';
import { backoffDelayMs } from './destination-backoff';
import type { DestinationPolicy } from './destination-policy';
import type { FederationRequester } from './federation-http-client';

export const MAX_PDUS_PER_SEND = 50;
export const MAX_EDUS_PER_SEND = 100;
/** Lets a burst of enqueues (one event to many rooms' servers, typing + receipt) share a send. */
export const SEND_COALESCE_MS = 20;
const SEND_TIMEOUT_MS = 60_000;
const SEND_RESPONSE_MAX_BYTES = 10 * 1024 * 1024;
/** Errors are kept in status and the database; cap their length. */
const MAX_ERROR_LENGTH = 500;

export type SendClient = FederationRequester;

export interface OutboundQueueOptions {
  serverName: string;
  store: OutboundQueueStore;
  client: SendClient;
  clock: Clock;
  logger: Logger;
  /** [0, 1) for backoff jitter; Math.random by default. */
  random?: () => number;
  /** The operator's allow/deny lists; denied destinations get nothing queued or sent. */
  destinationPolicy?: DestinationPolicy;
}

export type QueueItemKind = 'pdu' | 'edu';

/** Whether `destination` may receive `item`; false drops the item for that destination. */
export type DeliveryFilter = (
  destination: string,
  kind: QueueItemKind,
  item: JsonObject,
) => boolean;

export interface DestinationQueueStatus {
  destination: string;
  queued: number;
  failures: number;
  retryAtTs: number | undefined;
  lastError: string | undefined;
  sending: boolean;
}

interface QueuedItem {
  queueId: number;
  item: JsonObject;
}

interface DestinationState {
  sending: boolean;
  timer: NodeJS.Timeout | undefined;
  /** When the timer fires; lets an earlier wake-up replace a later one. */
  timerAt: number;
}

export class OutboundQueue {
  private readonly destinations = new Map<string, DestinationState>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private started = false;
  private stopped = false;
  private readonly log: Logger;
  private readonly filters: DeliveryFilter[] = [];

  constructor(private readonly options: OutboundQueueOptions) {
    this.log = options.logger.child({ component: 'outbound-queue' });
    // Every destination's in-flight /send listens on this one signal (to abort at shutdown), so a
    // room spanning many servers legitimately has more than Node's default of 10 listeners.
    setMaxListeners(0, this.abort.signal);
    const policy = options.destinationPolicy;
    if (policy) this.filters.push((destination) => policy.allows(destination));
  }

  /** Adds a filter (the room ACL filter is wired once the room services exist). */
  addDeliveryFilter(filter: DeliveryFilter): void {
    this.filters.push(filter);
  }

  private mayDeliver(destination: string, kind: QueueItemKind, item: JsonObject): boolean {
    return this.filters.every((filter) => filter(destination, kind, item));
  }

  /** Resumes every destination that still has queued items, honouring stored backoff. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const destination of this.options.store.queuedCounts().keys()) this.wake(destination);
  }

  /** Halts all senders: pending timers are cleared and in-flight sends aborted (rows stay). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    for (const state of this.destinations.values()) clearTimeout(state.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Queues `pdu` for each destination (ourselves excluded). Synchronous: joins the caller's transaction. */
  enqueuePdu(destinations: Iterable<string>, pdu: JsonObject): void {
    this.enqueue(destinations, 'pdu', pdu);
  }

  enqueueEdu(destinations: Iterable<string>, edu: JsonObject): void {
    this.enqueue(destinations, 'edu', edu);
  }

  /**
   * A destination just proved it is up (it sent us a transaction): retry it now rather than
   * when its backoff ends, as Synapse does.
   */
  markReachable(destination: string): void {
    const backoff = this.options.store.backoff(destination);
    if (!backoff) return;
    this.options.store.clearBackoff(destination);
    this.wake(destination);
  }

  status(): DestinationQueueStatus[] {
    const counts = this.options.store.queuedCounts();
    const backoffs = new Map(this.options.store.allBackoffs().map((b) => [b.destination, b]));
    const names = new Set([...counts.keys(), ...backoffs.keys()]);
    return [...names].sort().map((destination) => {
      const backoff = backoffs.get(destination);
      return {
        destination,
        queued: counts.get(destination) ?? 0,
        failures: backoff?.failures ?? 0,
        retryAtTs: backoff?.retryAtTs,
        lastError: backoff?.lastError,
        sending: this.destinations.get(destination)?.sending ?? false,
      };
    });
  }

  private enqueue(destinations: Iterable<string>, kind: QueueItemKind, item: JsonObject): void {
    const targets = [...new Set(destinations)].filter(
      (d) => d !== this.options.serverName && this.mayDeliver(d, kind, item),
    );
    if (targets.length === 0) return;
    this.options.store.enqueue(targets, kind, JSON.stringify(item), this.options.clock.now());
    // The timer fires after the caller's synchronous transaction has committed; if it rolled
    // back, the sender simply finds nothing.
    for (const destination of targets) this.wake(destination);
  }

  private state(destination: string): DestinationState {
    let state = this.destinations.get(destination);
    if (!state) {
      state = { sending: false, timer: undefined, timerAt: 0 };
      this.destinations.set(destination, state);
    }
    return state;
  }

  /** Schedules a send attempt for `destination` at the earliest moment its backoff allows. */
  private wake(destination: string): void {
    if (this.stopped || !this.started) return;
    const state = this.state(destination);
    // A running sender re-reads the queue before it stops, so it will see new rows.
    if (state.sending) return;
    const now = this.options.clock.now();
    const retryAt = this.options.store.backoff(destination)?.retryAtTs ?? 0;
    const at = Math.max(now + SEND_COALESCE_MS, retryAt);
    if (state.timer !== undefined && state.timerAt <= at) return;
    clearTimeout(state.timer);
    state.timerAt = at;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      const run = this.sendAll(destination, state).finally(() => this.inFlight.delete(run));
      this.inFlight.add(run);
    }, at - now);
    state.timer.unref?.();
  }

  /** Sends transactions until the destination's queue is empty or a send fails. */
  private async sendAll(destination: string, state: DestinationState): Promise<void> {
    if (this.stopped || state.sending) return;
    state.sending = true;
    try {
      while (!this.stopped) {
        const pdus = this.deliverable(
          destination,
          'pdu',
          this.options.store.peek(destination, 'pdu', MAX_PDUS_PER_SEND),
        );
        const edus = this.deliverable(
          destination,
          'edu',
          this.options.store.peek(destination, 'edu', MAX_EDUS_PER_SEND),
        );
        if (pdus === undefined || edus === undefined) continue;
        if (pdus.length === 0 && edus.length === 0) break;
        const ok = await this.sendOne(destination, pdus, edus);
        if (!ok) break;
      }
    } finally {
      state.sending = false;
    }
    // After a failure this schedules the retry at the backoff time.
    if (
      !this.stopped &&
      this.options.store.peek(destination, 'pdu', 1).length +
        this.options.store.peek(destination, 'edu', 1).length >
        0
    ) {
      this.wake(destination);
    }
  }

  /**
   * The peeked rows parsed, or undefined when some were no longer deliverable: those rows are
   * deleted and the caller peeks again (so a transaction is still filled up to the limits).
   */
  private deliverable(
    destination: string,
    kind: QueueItemKind,
    rows: { queueId: number; json: string }[],
  ): QueuedItem[] | undefined {
    const items = rows.map((row) => ({
      queueId: row.queueId,
      item: JSON.parse(row.json) as JsonObject,
    }));
    const dropped = items.filter(({ item }) => !this.mayDeliver(destination, kind, item));
    if (dropped.length === 0) return items;
    this.options.store.remove(dropped.map(({ queueId }) => queueId));
    this.log.info('dropped queued items the destination may no longer receive', {
      destination,
      kind,
      count: dropped.length,
    });
    return undefined;
  }

  private async sendOne(
    destination: string,
    pdus: QueuedItem[],
    edus: QueuedItem[],
  ): Promise<boolean> {
    const ids = [...pdus, ...edus].map((item) => item.queueId);
    const txnId = `${Math.min(...ids)}-${Math.max(...ids)}-${ids.length}`;
    const body = {
      origin: this.options.serverName,
      origin_server_ts: this.options.clock.now(),
      pdus: pdus.map(({ item }) => item),
      edus: edus.map(({ item }) => item),
    };
    try {
      const response = await this.options.client.request<unknown>(
        destination,
        'PUT',
        `/_matrix/federation/v1/send/${encodeURIComponent(txnId)}`,
        {
          body,
          timeoutMs: SEND_TIMEOUT_MS,
          maxResponseBytes: SEND_RESPONSE_MAX_BYTES,
          signal: this.abort.signal,
        },
      );
      this.logRejectedPdus(destination, response);
    } catch (error) {
      if (this.stopped) return false;
      const previous = this.options.store.backoff(destination);
      const failures = (previous?.failures ?? 0) + 1;
      const delay = backoffDelayMs(failures, this.options.random ?? Math.random);
      const message = ((error as Error).message ?? String(error)).slice(0, MAX_ERROR_LENGTH);
      this.options.store.recordFailure({
        destination,
        failures,
        retryAtTs: this.options.clock.now() + delay,
        lastError: message,
      });
      this.log.info('send failed, backing off', {
        destination,
        txn_id: txnId,
        failures,
        retry_in_ms: delay,
        error: message,
      });
      return false;
    }
    // Delivered: per-PDU errors in the answer are the receiver's verdicts, not retried.
    this.options.store.remove(ids);
    this.options.store.clearBackoff(destination);
    return true;
  }

  private logRejectedPdus(destination: string, response: unknown): void {
    if (typeof response !== 'object' || response === null) return;
    const results = (response as { pdus?: unknown }).pdus;
    if (typeof results !== 'object' || results === null) return;
    for (const [eventId, result] of Object.entries(results)) {
      if (typeof result === 'object' && result !== null && 'error' in result) {
        this.log.debug('destination rejected PDU', {
          destination,
          event_id: eventId,
          error: String((result as { error: unknown }).error),
        });
      }
    }
  }
}
