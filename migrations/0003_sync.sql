-- What /sync streams besides events and account data: read receipts, to-device messages, and
-- the moments partial-state rooms became fully stated. Every stream_id comes from the one
-- StreamCounter (stream-counter.ts), so a sync token's stream position orders all of them.

-- The latest receipt of each type per user per room (per thread; '' means unthreaded).
-- data is the receipt's JSON object (at least `ts`), exactly as delivered in m.receipt.
CREATE TABLE receipts (
  room_id TEXT NOT NULL,
  receipt_type TEXT NOT NULL,
  user_id TEXT NOT NULL,
  thread_id TEXT NOT NULL DEFAULT '',
  event_id TEXT NOT NULL,
  data TEXT NOT NULL,
  stream_id INTEGER NOT NULL,
  PRIMARY KEY (room_id, receipt_type, user_id, thread_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX receipts_stream ON receipts (stream_id);

-- To-device messages waiting for a local device. Deleted once the device syncs with a token
-- at or past their stream_id (spec: delivered until acknowledged by the next /sync).
CREATE TABLE device_inbox (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  stream_id INTEGER NOT NULL,
  sender TEXT NOT NULL,
  type TEXT NOT NULL,
  content TEXT NOT NULL,
  PRIMARY KEY (user_id, device_id, stream_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX device_inbox_stream ON device_inbox (stream_id);

-- The highest stream position of rows since deleted (acknowledged to-device messages), so the
-- StreamCounter seeded at start never hands out a position a client token already passed.
CREATE TABLE deleted_stream_high_water (
  stream_name TEXT PRIMARY KEY NOT NULL,
  position INTEGER NOT NULL
) STRICT;

-- A room leaving partial state (faster joins) at a stream position: an eager incremental sync
-- whose window contains it sends the room as newly joined (it was hidden until then).
CREATE TABLE un_partial_stated_rooms (
  stream_id INTEGER PRIMARY KEY NOT NULL,
  room_id TEXT NOT NULL
) STRICT;
