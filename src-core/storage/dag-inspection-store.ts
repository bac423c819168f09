/**
 * Read-only queries the admin API uses to show a room's DAG: every event with its edges and
 * flags (outlier, soft-failed, rejected, partial-state) in topological order.
 */
import type { EventSummary, StateResetKind } from '../admin-api/admin-api-types';
import type { Database } from './database';

interface SummaryRow {
  event_id: string;
  room_id: string;
  type: string;
  state_key: string | null;
  sender: string;
  depth: number;
  stream_ordering: number;
  origin_server_ts: number;
  outlier: number;
  soft_failed: number;
  rule: string | null;
  reason: string | null;
  partial: number;
  prevs: string | null;
  auths: string | null;
}

const SUMMARY_SELECT = `
  SELECT e.event_id, e.room_id, e.type, e.state_key, e.sender, e.depth, e.stream_ordering,
         e.origin_server_ts, e.outlier, e.soft_failed, r.rule, r.reason,
         (p.event_id IS NOT NULL) AS partial,
         (SELECT json_group_array(prev_event_id) FROM event_edges WHERE event_id = e.event_id) AS prevs,
         (SELECT json_group_array(auth_event_id) FROM event_auth_edges WHERE event_id = e.event_id) AS auths
  FROM events AS e
  LEFT JOIN rejections AS r ON r.event_id = e.event_id
  LEFT JOIN partial_state_events AS p ON p.event_id = e.event_id`;

export class DagInspectionStore {
  constructor(private readonly db: Database) {}

  private toSummary(
    row: SummaryRow,
    joinEventId: string | null,
    resetKinds: ReadonlyMap<string, StateResetKind[]>,
  ): EventSummary {
    return {
      eventId: row.event_id,
      roomId: row.room_id,
      type: row.type,
      stateKey: row.state_key,
      sender: row.sender,
      depth: row.depth,
      streamOrdering: row.stream_ordering,
      originServerTs: row.origin_server_ts,
      prevEventIds: row.prevs ? (JSON.parse(row.prevs) as string[]) : [],
      authEventIds: row.auths ? (JSON.parse(row.auths) as string[]) : [],
      outlier: row.outlier === 1,
      softFailed: row.soft_failed === 1,
      rejected: row.rule === null ? null : { rule: row.rule, reason: row.reason ?? '' },
      partialState: row.partial === 1,
      isPartialJoinEvent: row.event_id === joinEventId,
      resetKinds: resetKinds.get(row.event_id) ?? [],
    };
  }

  events(
    roomId: string,
    options: {
      fromDepth: number;
      limit: number;
      includeOutliers: boolean;
      joinEventId: string | null;
      resetKinds: ReadonlyMap<string, StateResetKind[]>;
    },
  ): EventSummary[] {
    const rows = this.db
      .statement(
        `${SUMMARY_SELECT}
         WHERE e.room_id = ? AND e.depth >= ? AND (? OR e.outlier = 0)
         ORDER BY e.depth, e.stream_ordering
         LIMIT ?`,
      )
      .all(
        roomId,
        options.fromDepth,
        options.includeOutliers ? 1 : 0,
        options.limit,
      ) as SummaryRow[];
    return rows.map((row) => this.toSummary(row, options.joinEventId, options.resetKinds));
  }

  event(
    eventId: string,
    joinEventId: string | null,
    resetKinds: ReadonlyMap<string, StateResetKind[]>,
  ): EventSummary | undefined {
    const row = this.db.statement(`${SUMMARY_SELECT} WHERE e.event_id = ?`).get(eventId) as
      SummaryRow | undefined;
    return row && this.toSummary(row, joinEventId, resetKinds);
  }
}
