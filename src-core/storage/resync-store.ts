/**
 * Storage for the partial-state resync: which partial events are ready (their prev events are
 * all fully stated), pause/throttle controls, progress counters, and state-reset records.
 */
import type { StateChange, StateReset, StateResetKind } from '../admin-api/admin-api-types';
import type { Database } from './database';

export interface ResyncControl {
  paused: boolean;
  throttleEventsPerSecond: number | null;
}

export interface StoredResyncProgress {
  eventsDone: number;
  requests: number;
  bytes: number;
  startedTs: number;
  finishedTs: number | null;
}

export type NewStateReset = Omit<StateReset, 'resetId'>;

export class ResyncStore {
  constructor(private readonly db: Database) {}

  /**
   * Partial-state events of the room whose prev events are not partial-stated, oldest first by
   * depth then arrival. Ordering by arrival alone would be wrong: an event fetched late (an
   * outlier made timeline) can arrive after its children (synapse#13001).
   */
  readyEvents(roomId: string, limit: number): string[] {
    const rows = this.db.sqlite
      .prepare(
        `SELECT p.event_id AS event_id FROM partial_state_events AS p
         JOIN events AS e ON e.event_id = p.event_id
         WHERE p.room_id = ? AND NOT EXISTS (
           SELECT 1 FROM event_edges AS edge
           JOIN partial_state_events AS prev ON prev.event_id = edge.prev_event_id
           WHERE edge.event_id = p.event_id)
         ORDER BY e.depth, e.stream_ordering
         LIMIT ?`,
      )
      .all(roomId, limit) as { event_id: string }[];
    return rows.map((row) => row.event_id);
  }

  partialEventCount(roomId: string): number {
    return (
      this.db.sqlite
        .prepare('SELECT count(*) AS n FROM partial_state_events WHERE room_id = ?')
        .get(roomId) as { n: number }
    ).n;
  }

  /** Keeps the group the event's partial state was stored in, for partial-vs-full display. */
  rememberPartialStateGroup(eventId: string, group: number): void {
    this.db.run(
      this.db.kysely
        .updateTable('event_state')
        .set({ partial_state_group_before: group })
        .where('event_id', '=', eventId),
    );
  }

  partialStateGroupBefore(eventId: string): number | null {
    return (
      this.db.get(
        this.db.kysely
          .selectFrom('event_state')
          .select('partial_state_group_before')
          .where('event_id', '=', eventId),
      )?.partial_state_group_before ?? null
    );
  }

  removePartialEvent(eventId: string): void {
    this.db.run(this.db.kysely.deleteFrom('partial_state_events').where('event_id', '=', eventId));
  }

  /** Removes the room's partial-state rows (the events' rows must already be gone). */
  clearPartialRoom(roomId: string): void {
    this.db.run(
      this.db.kysely.deleteFrom('partial_state_rooms_servers').where('room_id', '=', roomId),
    );
    this.db.run(this.db.kysely.deleteFrom('partial_state_rooms').where('room_id', '=', roomId));
  }

  control(roomId: string): ResyncControl {
    const row = this.db.get(
      this.db.kysely
        .selectFrom('resync_control')
        .select(['paused', 'throttle_events_per_second'])
        .where('room_id', '=', roomId),
    );
    return {
      paused: row?.paused === 1,
      throttleEventsPerSecond: row?.throttle_events_per_second ?? null,
    };
  }

  setControl(roomId: string, control: ResyncControl): void {
    this.db.run(
      this.db.kysely
        .insertInto('resync_control')
        .values({
          room_id: roomId,
          paused: control.paused ? 1 : 0,
          throttle_events_per_second: control.throttleEventsPerSecond,
        })
        .onConflict((oc) =>
          oc.column('room_id').doUpdateSet({
            paused: control.paused ? 1 : 0,
            throttle_events_per_second: control.throttleEventsPerSecond,
          }),
        ),
    );
  }

  joinEventId(roomId: string): string | null {
    return (
      this.db.get(
        this.db.kysely
          .selectFrom('resync_progress')
          .select('join_event_id')
          .where('room_id', '=', roomId),
      )?.join_event_id ?? null
    );
  }

  /** The room's progress row, created (remembering J) on first use. */
  progress(roomId: string, now: number, joinEventId: string | null = null): StoredResyncProgress {
    const row = this.db.get(
      this.db.kysely.selectFrom('resync_progress').selectAll().where('room_id', '=', roomId),
    );
    if (row) {
      return {
        eventsDone: row.events_done,
        requests: row.requests,
        bytes: row.bytes,
        startedTs: row.started_ts,
        finishedTs: row.finished_ts,
      };
    }
    this.db.run(
      this.db.kysely.insertInto('resync_progress').values({
        room_id: roomId,
        join_event_id: joinEventId,
        events_done: 0,
        requests: 0,
        bytes: 0,
        started_ts: now,
        finished_ts: null,
      }),
    );
    return { eventsDone: 0, requests: 0, bytes: 0, startedTs: now, finishedTs: null };
  }

  saveProgress(roomId: string, progress: StoredResyncProgress): void {
    this.db.run(
      this.db.kysely
        .updateTable('resync_progress')
        .set({
          events_done: progress.eventsDone,
          requests: progress.requests,
          bytes: progress.bytes,
          finished_ts: progress.finishedTs,
        })
        .where('room_id', '=', roomId),
    );
  }

  insertReset(reset: NewStateReset): StateReset {
    const { lastInsertRowid } = this.db.run(
      this.db.kysely.insertInto('state_resets').values({
        room_id: reset.roomId,
        event_id: reset.eventId,
        kind: reset.kind,
        changes: JSON.stringify(reset.changes),
        omitted_keys_added: reset.omittedKeysAdded,
        old_verdict: reset.oldVerdict,
        new_verdict: reset.newVerdict,
        rule: reset.rule,
        reason: reset.reason,
        created_ts: reset.createdTs,
      }),
    );
    return { ...reset, resetId: Number(lastInsertRowid) };
  }

  resets(roomId: string): StateReset[] {
    return this.db
      .all(
        this.db.kysely
          .selectFrom('state_resets')
          .selectAll()
          .where('room_id', '=', roomId)
          .orderBy('reset_id', 'desc'),
      )
      .map(toStateReset);
  }

  resetsForEvent(eventId: string): StateReset[] {
    return this.db
      .all(
        this.db.kysely
          .selectFrom('state_resets')
          .selectAll()
          .where('event_id', '=', eventId)
          .orderBy('reset_id'),
      )
      .map(toStateReset);
  }

  resetKindsByEvent(roomId: string): Map<string, StateResetKind[]> {
    const rows = this.db.all(
      this.db.kysely
        .selectFrom('state_resets')
        .select(['event_id', 'kind'])
        .where('room_id', '=', roomId)
        .where('event_id', 'is not', null),
    );
    const byEvent = new Map<string, StateResetKind[]>();
    for (const row of rows) {
      const list = byEvent.get(row.event_id as string) ?? [];
      if (!list.includes(row.kind)) list.push(row.kind);
      byEvent.set(row.event_id as string, list);
    }
    return byEvent;
  }

  resetCount(roomId: string): number {
    return (
      this.db.sqlite
        .prepare('SELECT count(*) AS n FROM state_resets WHERE room_id = ?')
        .get(roomId) as { n: number }
    ).n;
  }
}

function toStateReset(row: {
  reset_id: number;
  room_id: string;
  event_id: string | null;
  kind: StateResetKind;
  changes: string;
  omitted_keys_added: number;
  old_verdict: string | null;
  new_verdict: string | null;
  rule: string | null;
  reason: string | null;
  created_ts: number;
}): StateReset {
  return {
    resetId: row.reset_id,
    roomId: row.room_id,
    eventId: row.event_id,
    kind: row.kind,
    changes: JSON.parse(row.changes) as StateChange[],
    omittedKeysAdded: row.omitted_keys_added,
    oldVerdict: row.old_verdict as StateReset['oldVerdict'],
    newVerdict: row.new_verdict as StateReset['newVerdict'],
    rule: row.rule,
    reason: row.reason,
    createdTs: row.created_ts,
  };
}
