/**
 * Skein's own storage invariants, checked from the outside on a database file: what must hold
 * after any crash if every write that belongs together shares one transaction. Used by the
 * crash-safety harness (issue 7 §1) after each SIGKILL, and usable by benches and fuzzers.
 *
 * Each check is one SQL query naming the offending rows; the result is a list of readable
 * violations (empty = consistent). Sample rows are capped so a broken database stays readable.
 */
import type BetterSqlite3 from 'better-sqlite3';

export interface InvariantOptions {
  /** Also run `PRAGMA integrity_check` (slow on big databases). Default true. */
  integrity?: boolean;
  /** Rows named per violated invariant. Default 5. */
  sampleSize?: number;
}

interface Invariant {
  name: string;
  /** Returns one text column `what` per offending row. */
  sql: string;
}

const INVARIANTS: readonly Invariant[] = [
  {
    name: 'every non-outlier event has an event_state row',
    sql: `SELECT e.event_id AS what FROM events AS e
           WHERE e.outlier = 0
             AND NOT EXISTS (SELECT 1 FROM event_state AS s WHERE s.event_id = e.event_id)`,
  },
  {
    name: "every event_state row's event is stored",
    sql: `SELECT s.event_id AS what FROM event_state AS s
           WHERE NOT EXISTS (SELECT 1 FROM events AS e WHERE e.event_id = s.event_id)`,
  },
  {
    name: "every event_state row's state groups exist",
    sql: `SELECT s.event_id || ' before=' || s.state_group_before || ' after='
                 || s.state_group_after || ' partial=' || ifnull(s.partial_state_group_before, '-')
                 AS what
            FROM event_state AS s
           WHERE NOT EXISTS (SELECT 1 FROM state_groups AS g
                              WHERE g.state_group = s.state_group_before)
              OR NOT EXISTS (SELECT 1 FROM state_groups AS g
                              WHERE g.state_group = s.state_group_after)
              OR (s.partial_state_group_before IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM state_groups AS g
                                   WHERE g.state_group = s.partial_state_group_before))`,
  },
  {
    name: "every state_group_entries row's group exists",
    sql: `SELECT DISTINCT x.state_group AS what FROM state_group_entries AS x
           WHERE NOT EXISTS (SELECT 1 FROM state_groups AS g WHERE g.state_group = x.state_group)`,
  },
  {
    name: "every state group's prev_group exists",
    sql: `SELECT g.state_group || ' -> ' || g.prev_group AS what FROM state_groups AS g
           WHERE g.prev_group IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM state_groups AS p WHERE p.state_group = g.prev_group)`,
  },
  {
    name: "every room's current state group exists",
    sql: `SELECT r.room_id || ' group=' || r.current_state_group AS what FROM rooms AS r
           WHERE r.current_state_group IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM state_groups AS g
                              WHERE g.state_group = r.current_state_group)`,
  },
  {
    name: 'every current_state event is stored',
    sql: `SELECT c.room_id || ' ' || c.type || '/' || c.state_key || ' ' || c.event_id AS what
            FROM current_state AS c
           WHERE NOT EXISTS (SELECT 1 FROM events AS e WHERE e.event_id = c.event_id)`,
  },
  {
    name: 'every forward extremity is a stored non-outlier event',
    sql: `SELECT f.room_id || ' ' || f.event_id AS what FROM forward_extremities AS f
           WHERE NOT EXISTS (SELECT 1 FROM events AS e
                              WHERE e.event_id = f.event_id AND e.outlier = 0)`,
  },
  {
    name: "every event_edges row's event is stored",
    sql: `SELECT DISTINCT x.event_id AS what FROM event_edges AS x
           WHERE NOT EXISTS (SELECT 1 FROM events AS e WHERE e.event_id = x.event_id)`,
  },
  {
    name: "every event_auth_edges row's event is stored",
    sql: `SELECT DISTINCT x.event_id AS what FROM event_auth_edges AS x
           WHERE NOT EXISTS (SELECT 1 FROM events AS e WHERE e.event_id = x.event_id)`,
  },
  {
    name: 'partial_state_events rows belong to rooms in partial_state_rooms',
    sql: `SELECT p.room_id || ' ' || p.event_id AS what FROM partial_state_events AS p
           WHERE NOT EXISTS (SELECT 1 FROM partial_state_rooms AS r WHERE r.room_id = p.room_id)`,
  },
  {
    name: 'partial_state_events rows name stored non-outlier events of that room',
    sql: `SELECT p.event_id AS what FROM partial_state_events AS p
           WHERE NOT EXISTS (SELECT 1 FROM events AS e
                              WHERE e.event_id = p.event_id AND e.outlier = 0
                                AND e.room_id = p.room_id)`,
  },
  {
    name: 're-authorised events (partial_state_group_before set) are no longer partial',
    sql: `SELECT s.event_id AS what FROM event_state AS s
           WHERE s.partial_state_group_before IS NOT NULL
             AND EXISTS (SELECT 1 FROM partial_state_events AS p WHERE p.event_id = s.event_id)`,
  },
  {
    name: 'partial_state_rooms_servers rows belong to rooms in partial_state_rooms',
    sql: `SELECT s.room_id || ' ' || s.server_name AS what FROM partial_state_rooms_servers AS s
           WHERE NOT EXISTS (SELECT 1 FROM partial_state_rooms AS r WHERE r.room_id = s.room_id)`,
  },
  {
    name: 'every partial room is a known room with at least one resident server',
    sql: `SELECT r.room_id AS what FROM partial_state_rooms AS r
           WHERE NOT EXISTS (SELECT 1 FROM rooms AS k WHERE k.room_id = r.room_id)
              OR NOT EXISTS (SELECT 1 FROM partial_state_rooms_servers AS s
                              WHERE s.room_id = r.room_id)`,
  },
  {
    // The join, its partial state, its partial_state_events row and the seed rows commit in
    // one transaction; until the resync re-authorises it, J must still be marked partial.
    name: 'the join event of a partial room is stored, with a partial flag or full state',
    sql: `SELECT r.room_id || ' J=' || ifnull(r.join_event_id, 'NULL') AS what
            FROM partial_state_rooms AS r
           WHERE r.join_event_id IS NULL
              OR NOT EXISTS (SELECT 1 FROM events AS e
                              WHERE e.event_id = r.join_event_id AND e.outlier = 0)
              OR NOT EXISTS (SELECT 1 FROM event_state AS s WHERE s.event_id = r.join_event_id)
              OR (NOT EXISTS (SELECT 1 FROM partial_state_events AS p
                               WHERE p.event_id = r.join_event_id)
                  AND NOT EXISTS (SELECT 1 FROM event_state AS s
                                   WHERE s.event_id = r.join_event_id
                                     AND s.partial_state_group_before IS NOT NULL))`,
  },
];

/** Every violated invariant, one line each with sample offending rows; empty when all hold. */
export function checkStorageInvariants(
  sqlite: BetterSqlite3.Database,
  options: InvariantOptions = {},
): string[] {
  const sampleSize = options.sampleSize ?? 5;
  const violations: string[] = [];
  if (options.integrity ?? true) {
    const rows = sqlite.pragma('integrity_check') as { integrity_check: string }[];
    const messages = rows.map((r) => r.integrity_check);
    if (messages.length !== 1 || messages[0] !== 'ok') {
      violations.push(`PRAGMA integrity_check: ${messages.slice(0, sampleSize).join('; ')}`);
    }
  }
  const foreignKeys = sqlite.pragma('foreign_key_check') as { table: string; parent: string }[];
  if (foreignKeys.length > 0) {
    violations.push(
      `PRAGMA foreign_key_check: ${foreignKeys.length} rows, e.g. ${foreignKeys
        .slice(0, sampleSize)
        .map((r) => `${r.table} -> ${r.parent}`)
        .join('; ')}`,
    );
  }
  for (const invariant of INVARIANTS) {
    const rows = sqlite
      .prepare(`SELECT what FROM (${invariant.sql}) LIMIT ${sampleSize + 1}`)
      .all() as { what: string }[];
    if (rows.length === 0) continue;
    const sample = rows.slice(0, sampleSize).map((r) => r.what);
    const more = rows.length > sampleSize ? ', …' : '';
    violations.push(`${invariant.name}: ${sample.join(', ')}${more}`);
  }
  return violations;
}
