/**
 * Reads a room's timeline in topological order — `(depth, stream_ordering)`, the order
 * /messages and /context paginate in (spec: "Pagination" uses topological tokens; Synapse
 * orders by `(topological_ordering, stream_ordering)` the same way). Only events clients may see
 * in a timeline: not outliers, not soft-failed, not rejected.
 */
import type { Database } from './database';

/** A point in a room's topological order: just after the event at `(depth, stream)`. */
export interface TopologicalPosition {
  depth: number;
  stream: number;
}

export interface TimelineRow {
  eventId: string;
  depth: number;
  stream: number;
}

const VISIBLE = `room_id = ? AND outlier = 0 AND soft_failed = 0
  AND NOT EXISTS (SELECT 1 FROM rejections r WHERE r.event_id = events.event_id)`;

interface RawRow {
  event_id: string;
  depth: number;
  stream_ordering: number;
}

const toRow = (raw: RawRow): TimelineRow => ({
  eventId: raw.event_id,
  depth: raw.depth,
  stream: raw.stream_ordering,
});

export class TopologicalTimelineStore {
  constructor(private readonly db: Database) {}

  /** Events strictly after `from`, oldest first, up to and including `until` when given. */
  after(
    roomId: string,
    from: TopologicalPosition,
    limit: number,
    until?: TopologicalPosition,
  ): TimelineRow[] {
    const bound = until ? 'AND (depth, stream_ordering) <= (?, ?)' : '';
    const params: number[] = [from.depth, from.stream];
    if (until) params.push(until.depth, until.stream);
    const rows = this.db.sqlite
      .prepare(
        `SELECT event_id, depth, stream_ordering FROM events WHERE ${VISIBLE}
         AND (depth, stream_ordering) > (?, ?) ${bound}
         ORDER BY depth ASC, stream_ordering ASC LIMIT ?`,
      )
      .all(roomId, ...params, limit) as RawRow[];
    return rows.map(toRow);
  }

  /** Events at or before `from`, newest first, down to (excluding) `until` when given. */
  atOrBefore(
    roomId: string,
    from: TopologicalPosition,
    limit: number,
    until?: TopologicalPosition,
  ): TimelineRow[] {
    const bound = until ? 'AND (depth, stream_ordering) > (?, ?)' : '';
    const params: number[] = [from.depth, from.stream];
    if (until) params.push(until.depth, until.stream);
    const rows = this.db.sqlite
      .prepare(
        `SELECT event_id, depth, stream_ordering FROM events WHERE ${VISIBLE}
         AND (depth, stream_ordering) <= (?, ?) ${bound}
         ORDER BY depth DESC, stream_ordering DESC LIMIT ?`,
      )
      .all(roomId, ...params, limit) as RawRow[];
    return rows.map(toRow);
  }

  /** The position after the room's last event, or depth 0 for a room without a timeline. */
  end(roomId: string): TopologicalPosition {
    const row = this.db.sqlite
      .prepare(
        `SELECT depth, stream_ordering FROM events WHERE ${VISIBLE}
         ORDER BY depth DESC, stream_ordering DESC LIMIT 1`,
      )
      .get(roomId) as { depth: number; stream_ordering: number } | undefined;
    return row ? { depth: row.depth, stream: row.stream_ordering } : { depth: 0, stream: 0 };
  }

  /**
   * The topological position a stream position (a /sync token) corresponds to in this room: just
   * after the topologically last event that had arrived by then.
   */
  positionAtStream(roomId: string, stream: number): TopologicalPosition {
    const row = this.db.sqlite
      .prepare(
        `SELECT depth, stream_ordering FROM events WHERE ${VISIBLE} AND stream_ordering <= ?
         ORDER BY depth DESC, stream_ordering DESC LIMIT 1`,
      )
      .get(roomId, stream) as { depth: number; stream_ordering: number } | undefined;
    return row ? { depth: row.depth, stream: row.stream_ordering } : { depth: 0, stream: 0 };
  }

  /** The position of one timeline event, if it is in the visible timeline. */
  positionOf(eventId: string): (TopologicalPosition & { roomId: string }) | undefined {
    const row = this.db.sqlite
      .prepare(
        `SELECT room_id, depth, stream_ordering FROM events
         WHERE event_id = ? AND outlier = 0 AND soft_failed = 0`,
      )
      .get(eventId) as { room_id: string; depth: number; stream_ordering: number } | undefined;
    return row && { roomId: row.room_id, depth: row.depth, stream: row.stream_ordering };
  }

  /** Whether the user has a join membership event topologically after `position`. */
  joinedAfter(roomId: string, userId: string, position: TopologicalPosition): boolean {
    const row = this.db.sqlite
      .prepare(
        `SELECT 1 FROM room_memberships m JOIN events e ON e.event_id = m.event_id
         WHERE m.room_id = ? AND m.user_id = ? AND m.membership = 'join'
           AND e.outlier = 0 AND e.soft_failed = 0
           AND (e.depth, e.stream_ordering) > (?, ?) LIMIT 1`,
      )
      .get(roomId, userId, position.depth, position.stream);
    return row !== undefined;
  }
}
