-- The partial-state resync: per-room controls and progress, and the state resets it finds.

-- Pause and throttle survive restarts: a paused resync stays paused.
CREATE TABLE resync_control (
  room_id TEXT PRIMARY KEY NOT NULL,
  paused INTEGER NOT NULL DEFAULT 0,
  -- Max events re-authorised per second; NULL = as fast as possible.
  throttle_events_per_second REAL
) STRICT;

-- Counters for the progress display, updated in the transaction that un-partials each event.
CREATE TABLE resync_progress (
  room_id TEXT PRIMARY KEY NOT NULL,
  -- J, kept after the room leaves partial_state_rooms so the DAG view can still mark it.
  join_event_id TEXT,
  events_done INTEGER NOT NULL DEFAULT 0,
  requests INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  started_ts INTEGER NOT NULL,
  finished_ts INTEGER
) STRICT;

-- Every state reset: a verdict that flipped on re-authorisation, a partial state entry that the
-- full state changed or removed, or a change of the room's current state at the end. Keys the
-- partial state never had (the omitted members) are counted, not listed.
CREATE TABLE state_resets (
  reset_id INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id TEXT NOT NULL,
  event_id TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('verdict_flip', 'state_changed', 'current_state_changed')),
  -- JSON list of {type, state_key, old_event_id, new_event_id}.
  changes TEXT NOT NULL,
  omitted_keys_added INTEGER NOT NULL DEFAULT 0,
  old_verdict TEXT,
  new_verdict TEXT,
  rule TEXT,
  reason TEXT,
  created_ts INTEGER NOT NULL
) STRICT;
CREATE INDEX state_resets_room ON state_resets (room_id, reset_id);
CREATE INDEX state_resets_event ON state_resets (event_id);

-- The partial state group an event had before the resync gave it full state, kept so a person
-- can compare what the server believed with what was true.
ALTER TABLE event_state ADD COLUMN partial_state_group_before INTEGER;
