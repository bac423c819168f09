/**
 * Events and their edges, rejections, per-event state groups, and forward extremities.
 *
 * Reads are synchronous so the pure rules (auth, state resolution) can pull events on demand
 * through an `EventLookup` while a transaction is open; parsed events are cached.
 */
import type { Pdu } from '../rules/events/pdu';
import type { RoomEvent } from '../rules/events/room-event';
import { toRoomEvent } from '../rules/events/room-event';
import { LruCache } from '../util/lru-cache';
import type { Database } from './database';
import type { RoomStore } from './room-store';
import type { StreamCounter } from './stream-counter';

export interface EventMeta {
  eventId: string;
  roomId: string;
  streamOrdering: number;
  outlier: boolean;
  softFailed: boolean;
  redactedBy: string | null;
}

export interface Rejection {
  rule: string;
  reason: string;
}

export interface EventStateGroups {
  before: number;
  after: number;
}

export class EventStore {
  private readonly cache = new LruCache<string, RoomEvent>(50_000);

  constructor(
    private readonly db: Database,
    private readonly rooms: RoomStore,
    private readonly stream: StreamCounter,
  ) {}

  hasEvent(eventId: string): boolean {
    if (this.cache.has(eventId)) return true;
    return (
      this.db.get(
        this.db.kysely.selectFrom('events').select('event_id').where('event_id', '=', eventId),
      ) !== undefined
    );
  }

  /** The event as a RoomEvent (unredacted), or undefined if we do not hold it. */
  getEvent(eventId: string): RoomEvent | undefined {
    const cached = this.cache.get(eventId);
    if (cached) return cached;
    const row = this.db.get(
      this.db.kysely
        .selectFrom('events')
        .select(['room_id', 'json'])
        .where('event_id', '=', eventId),
    );
    if (!row) return undefined;
    const version = this.rooms.getRoomVersion(row.room_id);
    if (!version) throw new Error(`event ${eventId} belongs to unknown room ${row.room_id}`);
    const event = toRoomEvent(JSON.parse(row.json) as Pdu, eventId, version);
    this.cache.set(eventId, event);
    return event;
  }

  getMeta(eventId: string): EventMeta | undefined {
    const row = this.db.get(
      this.db.kysely
        .selectFrom('events')
        .select(['room_id', 'stream_ordering', 'outlier', 'soft_failed', 'redacted_by'])
        .where('event_id', '=', eventId),
    );
    if (!row) return undefined;
    return {
      eventId,
      roomId: row.room_id,
      streamOrdering: row.stream_ordering,
      outlier: row.outlier === 1,
      softFailed: row.soft_failed === 1,
      redactedBy: row.redacted_by,
    };
  }

  /** Inserts the event with its edges; returns its stream position. Call inside a transaction. */
  insertEvent(
    event: RoomEvent,
    options: { outlier: boolean; softFailed: boolean; receivedTs: number },
  ): number {
    const streamOrdering = this.stream.next();
    this.db.run(
      this.db.kysely.insertInto('events').values({
        event_id: event.eventId,
        stream_ordering: streamOrdering,
        room_id: event.roomId,
        type: event.type,
        state_key: event.stateKey ?? null,
        sender: event.sender,
        origin_server_ts: event.originServerTs,
        depth: event.depth,
        received_ts: options.receivedTs,
        outlier: options.outlier ? 1 : 0,
        soft_failed: options.softFailed ? 1 : 0,
        redacted_by: null,
        json: JSON.stringify(event.pdu),
      }),
    );
    const prevEdge = this.db.statement(
      'INSERT OR IGNORE INTO event_edges (event_id, prev_event_id) VALUES (?, ?)',
    );
    for (const prev of event.prevEventIds) prevEdge.run(event.eventId, prev);
    const authEdge = this.db.statement(
      'INSERT OR IGNORE INTO event_auth_edges (event_id, auth_event_id) VALUES (?, ?)',
    );
    for (const auth of event.authEventIds) authEdge.run(event.eventId, auth);
    this.cache.set(event.eventId, event);
    return streamOrdering;
  }

  /**
   * Moves an outlier into the timeline at a fresh stream position, so /sync delivers it after
   * what it follows (synapse#13001: de-outliered events must not sort before their prevs).
   */
  deOutlier(eventId: string, softFailed: boolean): number {
    const streamOrdering = this.stream.next();
    this.db.run(
      this.db.kysely
        .updateTable('events')
        .set({ outlier: 0, soft_failed: softFailed ? 1 : 0, stream_ordering: streamOrdering })
        .where('event_id', '=', eventId),
    );
    return streamOrdering;
  }

  setSoftFailed(eventId: string, softFailed: boolean): void {
    this.db.run(
      this.db.kysely
        .updateTable('events')
        .set({ soft_failed: softFailed ? 1 : 0 })
        .where('event_id', '=', eventId),
    );
  }

  setRejected(eventId: string, rejection: Rejection, ts: number): void {
    this.db.run(
      this.db.kysely
        .insertInto('rejections')
        .values({
          event_id: eventId,
          rule: rejection.rule,
          reason: rejection.reason,
          rejected_ts: ts,
        })
        .onConflict((oc) =>
          oc
            .column('event_id')
            .doUpdateSet({ rule: rejection.rule, reason: rejection.reason, rejected_ts: ts }),
        ),
    );
  }

  clearRejected(eventId: string): void {
    this.db.run(this.db.kysely.deleteFrom('rejections').where('event_id', '=', eventId));
  }

  getRejection(eventId: string): Rejection | undefined {
    return this.db.get(
      this.db.kysely
        .selectFrom('rejections')
        .select(['rule', 'reason'])
        .where('event_id', '=', eventId),
    );
  }

  isRejected(eventId: string): boolean {
    return this.getRejection(eventId) !== undefined;
  }

  setRedactedBy(eventId: string, redactionId: string): void {
    this.db.run(
      this.db.kysely
        .updateTable('events')
        .set({ redacted_by: redactionId })
        .where('event_id', '=', eventId),
    );
  }

  setEventState(eventId: string, groups: EventStateGroups): void {
    this.db.run(
      this.db.kysely
        .insertInto('event_state')
        .values({
          event_id: eventId,
          state_group_before: groups.before,
          state_group_after: groups.after,
        })
        .onConflict((oc) =>
          oc
            .column('event_id')
            .doUpdateSet({ state_group_before: groups.before, state_group_after: groups.after }),
        ),
    );
  }

  getEventState(eventId: string): EventStateGroups | undefined {
    const row = this.db.get(
      this.db.kysely
        .selectFrom('event_state')
        .select(['state_group_before', 'state_group_after'])
        .where('event_id', '=', eventId),
    );
    return row && { before: row.state_group_before, after: row.state_group_after };
  }

  getForwardExtremities(roomId: string): string[] {
    return this.db
      .all(
        this.db.kysely
          .selectFrom('forward_extremities')
          .select('event_id')
          .where('room_id', '=', roomId),
      )
      .map((row) => row.event_id);
  }

  /**
   * A new timeline event replaces the extremities it references, and becomes one itself unless a
   * stored timeline event already lists it as a prev (it arrived late, after its children).
   */
  updateForwardExtremities(event: RoomEvent): void {
    const remove = this.db.statement(
      'DELETE FROM forward_extremities WHERE room_id = ? AND event_id = ?',
    );
    for (const prev of event.prevEventIds) remove.run(event.roomId, prev);
    const referenced = this.db
      .statement(
        `SELECT 1 FROM event_edges AS edge JOIN events AS child ON child.event_id = edge.event_id
         WHERE edge.prev_event_id = ? AND child.outlier = 0 LIMIT 1`,
      )
      .get(event.eventId);
    if (!referenced) {
      this.db
        .statement('INSERT OR IGNORE INTO forward_extremities (room_id, event_id) VALUES (?, ?)')
        .run(event.roomId, event.eventId);
    }
  }

  /** Timeline events of a room in stream order within (from, to]. */
  timelineSlice(
    roomId: string,
    from: number,
    to: number,
    limit: number,
    direction: 'forward' | 'backward',
  ) {
    const query = this.db.kysely
      .selectFrom('events')
      .select(['event_id', 'stream_ordering'])
      .where('room_id', '=', roomId)
      .where('outlier', '=', 0)
      .where('soft_failed', '=', 0)
      .where('stream_ordering', '>', from)
      .where('stream_ordering', '<=', to)
      .orderBy('stream_ordering', direction === 'forward' ? 'asc' : 'desc')
      .limit(limit);
    return this.db.all(query);
  }

  /** Removes events from the parsed-event cache after a rolled-back transaction. */
  forget(eventIds: Iterable<string>): void {
    for (const id of eventIds) this.cache.delete(id);
  }
}
