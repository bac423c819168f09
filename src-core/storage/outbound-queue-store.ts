/**
 * The durable outbound federation queue (`federation_outbound_queue`) and per-destination
 * backoff (`destination_backoff`). Enqueueing is synchronous so it joins the caller's
 * transaction: an event and the duty to send it commit together.
 */
import type { Database } from './database';

export interface QueuedItem {
  queueId: number;
  kind: 'pdu' | 'edu';
  json: string;
}

export interface DestinationBackoff {
  destination: string;
  failures: number;
  retryAtTs: number;
  lastError: string | undefined;
}

export class OutboundQueueStore {
  constructor(private readonly db: Database) {}

  enqueue(destinations: readonly string[], kind: 'pdu' | 'edu', json: string, now: number): void {
    this.db.transaction(() => {
      for (const destination of destinations) {
        this.db.run(
          this.db.kysely
            .insertInto('federation_outbound_queue')
            .values({ destination, kind, json, created_ts: now }),
        );
      }
    });
  }

  /** The oldest items of one kind for `destination`, in queue order. */
  peek(destination: string, kind: 'pdu' | 'edu', limit: number): QueuedItem[] {
    return this.db
      .all(
        this.db.kysely
          .selectFrom('federation_outbound_queue')
          .select(['queue_id', 'kind', 'json'])
          .where('destination', '=', destination)
          .where('kind', '=', kind)
          .orderBy('queue_id')
          .limit(limit),
      )
      .map((row) => ({ queueId: row.queue_id, kind: row.kind, json: row.json }));
  }

  remove(queueIds: readonly number[]): void {
    if (queueIds.length === 0) return;
    this.db.run(
      this.db.kysely.deleteFrom('federation_outbound_queue').where('queue_id', 'in', queueIds),
    );
  }

  /** Queued item counts per destination. */
  queuedCounts(): Map<string, number> {
    const rows = this.db.all(
      this.db.kysely
        .selectFrom('federation_outbound_queue')
        .select(['destination', (eb) => eb.fn.countAll<number>().as('count')])
        .groupBy('destination'),
    );
    return new Map(rows.map((row) => [row.destination, Number(row.count)]));
  }

  backoff(destination: string): DestinationBackoff | undefined {
    const row = this.db.get(
      this.db.kysely
        .selectFrom('destination_backoff')
        .selectAll()
        .where('destination', '=', destination),
    );
    return row && toBackoff(row);
  }

  allBackoffs(): DestinationBackoff[] {
    return this.db.all(this.db.kysely.selectFrom('destination_backoff').selectAll()).map(toBackoff);
  }

  recordFailure(backoff: DestinationBackoff): void {
    this.db.run(
      this.db.kysely
        .insertInto('destination_backoff')
        .values({
          destination: backoff.destination,
          failures: backoff.failures,
          retry_at_ts: backoff.retryAtTs,
          last_error: backoff.lastError ?? null,
        })
        .onConflict((oc) =>
          oc.column('destination').doUpdateSet({
            failures: backoff.failures,
            retry_at_ts: backoff.retryAtTs,
            last_error: backoff.lastError ?? null,
          }),
        ),
    );
  }

  clearBackoff(destination: string): void {
    this.db.run(
      this.db.kysely.deleteFrom('destination_backoff').where('destination', '=', destination),
    );
  }
}

function toBackoff(row: {
  destination: string;
  failures: number;
  retry_at_ts: number;
  last_error: string | null;
}): DestinationBackoff {
  return {
    destination: row.destination,
    failures: row.failures,
    retryAtTs: row.retry_at_ts,
    lastError: row.last_error ?? undefined,
  };
}
