/**
 * Reads state straight from a database file, independently of StateStore and its caches, for
 * tests that inspect what a crashed (or stopped) server left on disk. Follows the delta chain
 * of `state_groups` (see 0001_initial.sql: a NULL event_id removes a key).
 */
import type BetterSqlite3 from 'better-sqlite3';

/** `JSON.stringify([type, state_key])` → event ID, the key format of StateMap and the peer. */
export type StoredStateMap = Map<string, string>;

export function readStateGroup(sqlite: BetterSqlite3.Database, group: number): StoredStateMap {
  const chain: number[] = [];
  const seen = new Set<number>();
  let current: number | null = group;
  while (current !== null) {
    if (seen.has(current)) throw new Error(`state group chain of ${group} loops at ${current}`);
    seen.add(current);
    chain.push(current);
    const row = sqlite
      .prepare('SELECT prev_group FROM state_groups WHERE state_group = ?')
      .get(current) as { prev_group: number | null } | undefined;
    if (!row) throw new Error(`state group ${current} (in the chain of ${group}) is missing`);
    current = row.prev_group;
  }
  const state: StoredStateMap = new Map();
  const entries = sqlite.prepare(
    'SELECT type, state_key, event_id FROM state_group_entries WHERE state_group = ?',
  );
  // Oldest snapshot first; each delta overrides what it names.
  for (const g of chain.reverse()) {
    for (const row of entries.all(g) as {
      type: string;
      state_key: string;
      event_id: string | null;
    }[]) {
      const key = JSON.stringify([row.type, row.state_key]);
      if (row.event_id === null) state.delete(key);
      else state.set(key, row.event_id);
    }
  }
  return state;
}

/** The room's current state as the `current_state` table holds it. */
export function readCurrentState(sqlite: BetterSqlite3.Database, roomId: string): StoredStateMap {
  const rows = sqlite
    .prepare('SELECT type, state_key, event_id FROM current_state WHERE room_id = ?')
    .all(roomId) as { type: string; state_key: string; event_id: string }[];
  return new Map(rows.map((r) => [JSON.stringify([r.type, r.state_key]), r.event_id]));
}
