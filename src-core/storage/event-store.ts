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
    return this.db.statement('SELECT 1 FROM events WHERE event_id = ?').get(eventId) !== undefined;
  }

  /** The event as a RoomEvent (unredacted), or undefined if we do not hold it. */
  getEvent(eventId: string): RoomEvent | undefined {
    const cached = this.cache.get(eventId);
    if (cached) return cached;
    // Hand-written statements on the per-event paths: building a Kysely query costs more than
    // running it (joins and generated rooms touch tens of thousands of events).
    const row = this.db
      .statement('SELECT room_id, json FROM events WHERE event_id = ?')
      .get(eventId) as { room_id: string; json: string } | undefined;
    if (!row) return undefined;
    const version = this.rooms.getRoomVersion(row.room_id);
    if (!version) throw new Error(`event ${eventId} belongs to unknown room ${row.room_id}`);
    const event = toRoomEvent(JSON.parse(row.json) as Pdu, eventId, version);
    this.cache.set(eventId, event);
    return event;
  }

  getMeta(eventId: string): EventMeta | undefined {
    const row = this.db
      .statement(
        `SELECT room_id, stream_ordering, outlier, soft_failed, redacted_by FROM events
         WHERE event_id = ?`,
      )
      .get(eventId) as
      | {
          room_id: string;
          stream_ordering: number;
          outlier: number;
          soft_failed: number;
          redacted_by: string | null;
        }
      | undefined;
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
    this.db
      .statement(
        `INSERT INTO events (event_id, stream_ordering, room_id, type, state_key, sender,
           origin_server_ts, depth, received_ts, outlier, soft_failed, redacted_by, json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
      )
      .run(
        event.eventId,
        streamOrdering,
        event.roomId,
        event.type,
        event.stateKey ?? null,
        event.sender,
        event.originServerTs,
        event.depth,
        options.receivedTs,
        options.outlier ? 1 : 0,
        options.softFailed ? 1 : 0,
        JSON.stringify(event.pdu),
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
    this.db.statement('DELETE FROM rejections WHERE event_id = ?').run(eventId);
  }

  getRejection(eventId: string): Rejection | undefined {
    return this.db
      .statement('SELECT rule, reason FROM rejections WHERE event_id = ?')
      .get(eventId) as Rejection | undefined;
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
    this.db
      .statement(
        `INSERT INTO event_state (event_id, state_group_before, state_group_after) VALUES (?, ?, ?)
         ON CONFLICT (event_id) DO UPDATE SET
           state_group_before = excluded.state_group_before,
           state_group_after = excluded.state_group_after`,
      )
      .run(eventId, groups.before, groups.after);
  }

  getEventState(eventId: string): EventStateGroups | undefined {
    const row = this.db
      .statement('SELECT state_group_before, state_group_after FROM event_state WHERE event_id = ?')
      .get(eventId) as { state_group_before: number; state_group_after: number } | undefined;
    return row && { before: row.state_group_before, after: row.state_group_after };
  }

  getForwardExtremities(roomId: string): string[] {
    const rows = this.db
      .statement('SELECT event_id FROM forward_extremities WHERE room_id = ?')
      .all(roomId) as { event_id: string }[];
    return rows.map((row) => row.event_id);
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

  /**
   * Rebuilds the room's forward extremities from the DAG: accepted, visible timeline events that
   * no accepted, visible timeline event cites as a prev. Needed when re-authorisation flips a
   * verdict (faster-joins resync), since extremities are otherwise maintained incrementally.
   */
  recomputeForwardExtremities(roomId: string): void {
    this.db.statement('DELETE FROM forward_extremities WHERE room_id = ?').run(roomId);
    this.db
      .statement(
        `INSERT INTO forward_extremities (room_id, event_id)
         SELECT e.room_id, e.event_id FROM events AS e
         WHERE e.room_id = ? AND e.outlier = 0 AND e.soft_failed = 0
           AND NOT EXISTS (SELECT 1 FROM rejections AS r WHERE r.event_id = e.event_id)
           AND NOT EXISTS (
             SELECT 1 FROM event_edges AS edge
             JOIN events AS child ON child.event_id = edge.event_id
             WHERE edge.prev_event_id = e.event_id AND child.outlier = 0 AND child.soft_failed = 0
               AND NOT EXISTS (SELECT 1 FROM rejections AS cr WHERE cr.event_id = child.event_id))`,
      )
      .run(roomId);
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
