/**
 * Read-only walks over the stored room DAG for the federation endpoints that serve room data:
 * auth chains (one recursive query over `event_auth_edges` instead of loading each event) and
 * the prev-event neighbours that /get_missing_events and /backfill step through.
 */
import type { Database } from './database';

/** What a walk needs to know about a stored event without parsing it. */
export interface DagNode {
  eventId: string;
  roomId: string;
  depth: number;
  streamOrdering: number;
  outlier: boolean;
  rejected: boolean;
}

interface DagRow {
  event_id: string;
  room_id: string;
  depth: number;
  stream_ordering: number;
  outlier: number;
  rejected: number;
}

const NODE_COLUMNS = `e.event_id, e.room_id, e.depth, e.stream_ordering, e.outlier,
  EXISTS (SELECT 1 FROM rejections r WHERE r.event_id = e.event_id) AS rejected`;

function toNode(row: DagRow): DagNode {
  return {
    eventId: row.event_id,
    roomId: row.room_id,
    depth: row.depth,
    streamOrdering: row.stream_ordering,
    outlier: row.outlier === 1,
    rejected: row.rejected === 1,
  };
}

export class DagQueries {
  constructor(private readonly db: Database) {}

  node(eventId: string): DagNode | undefined {
    const row = this.db.sqlite
      .prepare(`SELECT ${NODE_COLUMNS} FROM events e WHERE e.event_id = ?`)
      .get(eventId) as DagRow | undefined;
    return row && toNode(row);
  }

  /** The prev events of `eventId` that we hold (edges to events we never saw are skipped). */
  prevNodes(eventId: string): DagNode[] {
    const rows = this.db.sqlite
      .prepare(
        `SELECT ${NODE_COLUMNS} FROM event_edges edge
         JOIN events e ON e.event_id = edge.prev_event_id
         WHERE edge.event_id = ?
         ORDER BY e.depth DESC, e.stream_ordering DESC`,
      )
      .all(eventId) as DagRow[];
    return rows.map(toNode);
  }

  /**
   * The auth chain of `eventIds` (spec "Auth chain": every event reachable through auth_events,
   * a starting event only when another one reaches it), limited to accepted events of `roomId`
   * that we hold — Synapse serves the same (`get_auth_chain_ids`, rejected events dropped).
   * Oldest first, so a receiver can check them in order.
   */
  authChainIds(roomId: string, eventIds: readonly string[]): string[] {
    if (eventIds.length === 0) return [];
    // json_each takes the whole list as one parameter: state can hold 100k+ events, far past
    // SQLite's bound-parameter limit.
    const rows = this.db.sqlite
      .prepare(
        `WITH RECURSIVE chain(event_id) AS (
           SELECT a.auth_event_id FROM event_auth_edges a
           WHERE a.event_id IN (SELECT value FROM json_each(?))
           UNION
           SELECT a.auth_event_id FROM event_auth_edges a JOIN chain c ON a.event_id = c.event_id
         )
         SELECT e.event_id FROM chain c JOIN events e ON e.event_id = c.event_id
         WHERE e.room_id = ?
           AND NOT EXISTS (SELECT 1 FROM rejections r WHERE r.event_id = e.event_id)
         ORDER BY e.depth, e.stream_ordering`,
      )
      .all(JSON.stringify(eventIds), roomId) as { event_id: string }[];
    return rows.map((row) => row.event_id);
  }
}
