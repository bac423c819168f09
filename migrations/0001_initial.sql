-- Skein's initial schema. One SQLite file per homeserver, WAL mode.
--
-- Conventions: Matrix identifiers are TEXT; timestamps are integer milliseconds since the epoch;
-- booleans are INTEGER 0/1; JSON is TEXT holding the exact bytes we received or created.
-- Statements are separated by a semicolon at the end of a line (see migration-provider.ts).

-- Rooms we know about, with the version that decides every rule applied to them.
-- current_state_group is the state group whose entries current_state mirrors.
CREATE TABLE rooms (
  room_id TEXT PRIMARY KEY NOT NULL,
  room_version TEXT NOT NULL,
  creator TEXT,
  is_public INTEGER NOT NULL DEFAULT 0,
  created_ts INTEGER NOT NULL,
  current_state_group INTEGER
) STRICT;

-- Every PDU we hold. stream_ordering is local arrival order (what /sync streams);
-- depth is the DAG's topological order (what /messages paginates).
-- json is the PDU exactly as signed, unredacted unless its hashes failed (spec check 3).
CREATE TABLE events (
  event_id TEXT PRIMARY KEY NOT NULL,
  -- Assigned by the stream counter (stream-counter.ts), not AUTOINCREMENT: an outlier that later
  -- joins the timeline moves to a new position, so it reaches /sync after the events it follows.
  stream_ordering INTEGER NOT NULL UNIQUE,
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  state_key TEXT,
  sender TEXT NOT NULL,
  origin_server_ts INTEGER NOT NULL,
  depth INTEGER NOT NULL,
  received_ts INTEGER NOT NULL,
  -- 1 for events we hold without knowing the state at them (auth chains, /state answers).
  outlier INTEGER NOT NULL DEFAULT 0,
  -- Accepted by checks 1–5 but failed check 6: kept in the DAG, never shown, never in state.
  soft_failed INTEGER NOT NULL DEFAULT 0,
  -- The event ID of a redaction that applies to this event, once we have one.
  redacted_by TEXT,
  json TEXT NOT NULL
) STRICT;
CREATE INDEX events_room_stream ON events (room_id, stream_ordering);
CREATE INDEX events_room_depth ON events (room_id, depth, stream_ordering);
CREATE INDEX events_room_state ON events (room_id, type, state_key) WHERE state_key IS NOT NULL;

CREATE TABLE event_edges (
  event_id TEXT NOT NULL,
  prev_event_id TEXT NOT NULL,
  PRIMARY KEY (event_id, prev_event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX event_edges_prev ON event_edges (prev_event_id);

CREATE TABLE event_auth_edges (
  event_id TEXT NOT NULL,
  auth_event_id TEXT NOT NULL,
  PRIMARY KEY (event_id, auth_event_id)
) STRICT, WITHOUT ROWID;

-- Events that failed authorisation, with the rule and a sentence a person can read.
CREATE TABLE rejections (
  event_id TEXT PRIMARY KEY NOT NULL,
  rule TEXT NOT NULL,
  reason TEXT NOT NULL,
  rejected_ts INTEGER NOT NULL
) STRICT;

-- State is stored as groups chained by deltas: a group holds either a full snapshot
-- (prev_group NULL) or the entries that differ from prev_group, so a room with 100k members
-- does not store 100k rows per event. New deltas are merged into their parent while they are
-- comparable in size (see state-store.ts), which keeps chains logarithmically short.
CREATE TABLE state_groups (
  state_group INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id TEXT NOT NULL,
  prev_group INTEGER REFERENCES state_groups (state_group),
  delta_size INTEGER NOT NULL
) STRICT;

-- event_id NULL in a delta means "this key is absent here" (removed relative to prev_group).
CREATE TABLE state_group_entries (
  state_group INTEGER NOT NULL,
  type TEXT NOT NULL,
  state_key TEXT NOT NULL,
  event_id TEXT,
  PRIMARY KEY (state_group, type, state_key)
) STRICT, WITHOUT ROWID;

-- The state before and after each non-outlier event.
CREATE TABLE event_state (
  event_id TEXT PRIMARY KEY NOT NULL,
  state_group_before INTEGER NOT NULL,
  state_group_after INTEGER NOT NULL
) STRICT;

-- The room's current state, kept whole for fast lookups; updated by deltas.
CREATE TABLE current_state (
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  state_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (room_id, type, state_key)
) STRICT, WITHOUT ROWID;

-- One row per m.room.member event, for membership queries without parsing JSON.
CREATE TABLE room_memberships (
  event_id TEXT PRIMARY KEY NOT NULL,
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  membership TEXT NOT NULL,
  display_name TEXT,
  avatar_url TEXT
) STRICT;
CREATE INDEX room_memberships_user ON room_memberships (user_id, room_id);

-- The current membership of each user in each room (derived from current_state).
CREATE TABLE current_memberships (
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  membership TEXT NOT NULL,
  event_id TEXT NOT NULL,
  server_name TEXT NOT NULL,
  PRIMARY KEY (room_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX current_memberships_user ON current_memberships (user_id, membership);
CREATE INDEX current_memberships_server ON current_memberships (room_id, server_name, membership);

CREATE TABLE forward_extremities (
  room_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (room_id, event_id)
) STRICT, WITHOUT ROWID;

-- Partial-state ("faster") joins, with the names and columns of Synapse's design notes.
CREATE TABLE partial_state_rooms (
  room_id TEXT PRIMARY KEY NOT NULL,
  device_lists_stream_id INTEGER NOT NULL DEFAULT 0,
  join_event_id TEXT,
  joined_via TEXT
) STRICT;

CREATE TABLE partial_state_rooms_servers (
  room_id TEXT NOT NULL REFERENCES partial_state_rooms (room_id),
  server_name TEXT NOT NULL,
  PRIMARY KEY (room_id, server_name)
) STRICT, WITHOUT ROWID;

CREATE TABLE partial_state_events (
  room_id TEXT NOT NULL REFERENCES partial_state_rooms (room_id),
  event_id TEXT NOT NULL PRIMARY KEY
) STRICT;
CREATE INDEX partial_state_events_room ON partial_state_events (room_id);

-- Local accounts.
CREATE TABLE users (
  user_id TEXT PRIMARY KEY NOT NULL,
  password_hash TEXT,
  is_admin INTEGER NOT NULL DEFAULT 0,
  deactivated INTEGER NOT NULL DEFAULT 0,
  created_ts INTEGER NOT NULL
) STRICT;

CREATE TABLE profiles (
  user_id TEXT PRIMARY KEY NOT NULL,
  display_name TEXT,
  avatar_url TEXT
) STRICT;

CREATE TABLE devices (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  display_name TEXT,
  last_seen_ts INTEGER,
  PRIMARY KEY (user_id, device_id)
) STRICT, WITHOUT ROWID;

-- Only a hash of each access token is stored: a leaked database must not hand out sessions.
CREATE TABLE access_tokens (
  token_hash TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  created_ts INTEGER NOT NULL
) STRICT;
CREATE INDEX access_tokens_device ON access_tokens (user_id, device_id);

-- Client transaction IDs make PUT /send idempotent per device.
CREATE TABLE client_txn_ids (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  txn_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  created_ts INTEGER NOT NULL,
  PRIMARY KEY (user_id, device_id, txn_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE filters (
  user_id TEXT NOT NULL,
  filter_id INTEGER NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (user_id, filter_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE room_aliases (
  alias TEXT PRIMARY KEY NOT NULL,
  room_id TEXT NOT NULL,
  creator TEXT NOT NULL,
  servers TEXT NOT NULL
) STRICT;

CREATE TABLE account_data (
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL,
  json TEXT NOT NULL,
  stream_id INTEGER NOT NULL,
  PRIMARY KEY (user_id, room_id, type)
) STRICT, WITHOUT ROWID;

-- Remote servers' signing keys, with the validity the spec asks us to honour.
CREATE TABLE server_keys (
  server_name TEXT NOT NULL,
  key_id TEXT NOT NULL,
  public_key TEXT NOT NULL,
  valid_until_ts INTEGER NOT NULL,
  -- Set for old_verify_keys: signatures made after this time with this key are invalid.
  expired_ts INTEGER,
  fetched_ts INTEGER NOT NULL,
  PRIMARY KEY (server_name, key_id)
) STRICT, WITHOUT ROWID;

-- Inbound /send transactions already processed, so a retried transaction is not applied twice.
CREATE TABLE federation_inbound_txns (
  origin TEXT NOT NULL,
  txn_id TEXT NOT NULL,
  response_json TEXT NOT NULL,
  received_ts INTEGER NOT NULL,
  PRIMARY KEY (origin, txn_id)
) STRICT, WITHOUT ROWID;

-- The durable outbound queue: one row per PDU or EDU per destination, removed once delivered.
CREATE TABLE federation_outbound_queue (
  queue_id INTEGER PRIMARY KEY AUTOINCREMENT,
  destination TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('pdu', 'edu')),
  json TEXT NOT NULL,
  created_ts INTEGER NOT NULL
) STRICT;
CREATE INDEX federation_outbound_queue_destination ON federation_outbound_queue (destination, queue_id);

-- Per-destination exponential backoff, surviving restarts.
CREATE TABLE destination_backoff (
  destination TEXT PRIMARY KEY NOT NULL,
  failures INTEGER NOT NULL,
  retry_at_ts INTEGER NOT NULL,
  last_error TEXT
) STRICT;
