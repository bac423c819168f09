/**
 * The reads /sync needs that no other store answers: positions of a room's visible timeline,
 * memberships as of a stream position, account data and un-partial-stated rooms within a
 * window, and the sending device's transaction ID. Write-side tables belong to their own
 * stores; the un-partial-stated log is written here because only /sync reads it.
 *
 * "Visible" timeline events: not outliers, not soft-failed, not rejected (spec: rejected events
 * are never sent to clients; soft-failed ones are not either, Synapse's behaviour).
 */
import { isJsonObject } from '../rules/json';
import type { JsonObject } from '../rules/json';
import type { Database } from './database';

export interface TimelineRow {
  eventId: string;
  streamOrdering: number;
}

export interface AccountDataRow {
  /** `''` for global account data. */
  roomId: string;
  type: string;
  content: JsonObject;
  streamId: number;
}

export interface MembershipAt {
  membership: string;
  eventId: string;
  streamOrdering: number;
}

export class SyncStore {
  constructor(private readonly db: Database) {}

  /** Visible timeline events of a room in (from, to], newest first, at most `limit`. */
  timelineBackward(roomId: string, from: number, to: number, limit: number): TimelineRow[] {
    return this.db.sqlite
      .prepare(
        `SELECT e.event_id AS eventId, e.stream_ordering AS streamOrdering FROM events AS e
         WHERE e.room_id = ? AND e.outlier = 0 AND e.soft_failed = 0
           AND e.stream_ordering > ? AND e.stream_ordering <= ?
           AND NOT EXISTS (SELECT 1 FROM rejections AS r WHERE r.event_id = e.event_id)
         ORDER BY e.stream_ordering DESC LIMIT ?`,
      )
      .all(roomId, from, to, limit) as TimelineRow[];
  }

  /**
   * The newest non-outlier, non-soft-failed event of the room at or before `position`: the
   * state after it is the room's state at that position (rejected events keep the state as it
   * was, so they count too).
   */
  lastStatefulEventAt(roomId: string, position: number): TimelineRow | undefined {
    return this.db.sqlite
      .prepare(
        `SELECT event_id AS eventId, stream_ordering AS streamOrdering FROM events
         WHERE room_id = ? AND outlier = 0 AND soft_failed = 0 AND stream_ordering <= ?
         ORDER BY stream_ordering DESC LIMIT 1`,
      )
      .get(roomId, position) as TimelineRow | undefined;
  }

  /** Rooms (among `roomIds`) with a visible timeline event in (from, to]. */
  roomsWithEventsIn(from: number, to: number): Set<string> {
    const rows = this.db.sqlite
      .prepare(
        `SELECT DISTINCT room_id AS roomId FROM events
         WHERE stream_ordering > ? AND stream_ordering <= ? AND outlier = 0 AND soft_failed = 0`,
      )
      .all(from, to) as { roomId: string }[];
    return new Set(rows.map((row) => row.roomId));
  }

  /**
   * The user's membership in the room as of `position`: the newest accepted membership event
   * for them at or before it (outliers included: remote invites arrive as outliers). This is
   * stream order, not state resolution; it only differs after a fork resolved against the
   * newest event, which /sync tolerates (Synapse reads membership the same way).
   */
  membershipAt(roomId: string, userId: string, position: number): MembershipAt | undefined {
    return this.db.sqlite
      .prepare(
        `SELECT m.membership AS membership, m.event_id AS eventId,
                e.stream_ordering AS streamOrdering
         FROM room_memberships AS m JOIN events AS e ON e.event_id = m.event_id
         WHERE m.room_id = ? AND m.user_id = ? AND e.stream_ordering <= ? AND e.soft_failed = 0
           AND NOT EXISTS (SELECT 1 FROM rejections AS r WHERE r.event_id = m.event_id)
         ORDER BY e.stream_ordering DESC LIMIT 1`,
      )
      .get(roomId, userId, position) as MembershipAt | undefined;
  }

  streamOrderingOf(eventId: string): number | undefined {
    const row = this.db.sqlite
      .prepare('SELECT stream_ordering AS s FROM events WHERE event_id = ?')
      .get(eventId) as { s: number } | undefined;
    return row?.s;
  }

  /** Membership events (accepted, non-outlier) in the given rooms within (from, to]. */
  membershipEventsIn(
    roomIds: readonly string[],
    from: number,
    to: number,
  ): { roomId: string; userId: string; membership: string }[] {
    if (roomIds.length === 0) return [];
    const placeholders = roomIds.map(() => '?').join(', ');
    return this.db.sqlite
      .prepare(
        `SELECT m.room_id AS roomId, m.user_id AS userId, m.membership AS membership
         FROM room_memberships AS m JOIN events AS e ON e.event_id = m.event_id
         WHERE e.stream_ordering > ? AND e.stream_ordering <= ? AND e.outlier = 0
           AND e.soft_failed = 0 AND m.room_id IN (${placeholders})
         ORDER BY e.stream_ordering`,
      )
      .all(from, to, ...roomIds) as { roomId: string; userId: string; membership: string }[];
  }

  /** Users sharing at least one joined room with `userId`, among `candidates`. */
  sharesRoomWith(userId: string, other: string): boolean {
    return (
      this.db.sqlite
        .prepare(
          `SELECT 1 FROM current_memberships AS a JOIN current_memberships AS b
             ON a.room_id = b.room_id
           WHERE a.user_id = ? AND b.user_id = ? AND a.membership = 'join'
             AND b.membership = 'join' LIMIT 1`,
        )
        .get(userId, other) !== undefined
    );
  }

  /** The user's account data changed in (from, to], oldest first. */
  accountDataIn(userId: string, from: number, to: number): AccountDataRow[] {
    return this.db
      .all(
        this.db.kysely
          .selectFrom('account_data')
          .select(['room_id', 'type', 'json', 'stream_id'])
          .where('user_id', '=', userId)
          .where('stream_id', '>', from)
          .where('stream_id', '<=', to)
          .orderBy('stream_id'),
      )
      .map((row) => {
        const content: unknown = JSON.parse(row.json);
        return {
          roomId: row.room_id,
          type: row.type,
          content: isJsonObject(content) ? content : {},
          streamId: row.stream_id,
        };
      });
  }

  /** The transaction ID the given device used to send the event, if it did. */
  transactionIdOf(eventId: string, userId: string, deviceId: string): string | undefined {
    return this.db.get(
      this.db.kysely
        .selectFrom('client_txn_ids')
        .select('txn_id')
        .where('event_id', '=', eventId)
        .where('user_id', '=', userId)
        .where('device_id', '=', deviceId),
    )?.txn_id;
  }

  recordUnPartialStated(streamId: number, roomId: string): void {
    this.db.run(
      this.db.kysely
        .insertInto('un_partial_stated_rooms')
        .values({ stream_id: streamId, room_id: roomId }),
    );
  }

  /** Rooms that became fully stated within (from, to]. */
  unPartialStatedIn(from: number, to: number): Set<string> {
    return new Set(
      this.db
        .all(
          this.db.kysely
            .selectFrom('un_partial_stated_rooms')
            .select('room_id')
            .where('stream_id', '>', from)
            .where('stream_id', '<=', to),
        )
        .map((row) => row.room_id),
    );
  }
}
