-- What EDUs leave behind: presence (local and remote users), device-list changes /sync reports
-- in device_lists.changed, remote device-list updates held back while rooms are partial-stated,
-- and the to-device message IDs already received (m.direct_to_device is retried as a whole
-- transaction, so a message can arrive twice). Every stream_id comes from the one StreamCounter.

-- The newest presence of each user (spec: client-server "Presence"). Remote rows come from
-- m.presence EDUs; last_active_ts is derived from the EDU's last_active_ago at receipt.
CREATE TABLE presence (
  user_id TEXT PRIMARY KEY NOT NULL,
  presence TEXT NOT NULL CHECK (presence IN ('online', 'unavailable', 'offline')),
  status_msg TEXT,
  last_active_ts INTEGER NOT NULL,
  currently_active INTEGER NOT NULL DEFAULT 0,
  stream_id INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX presence_stream ON presence (stream_id);

-- A user's devices or cross-signing keys changed at a stream position: /sync lists the user in
-- device_lists.changed to the local users sharing a room with them.
CREATE TABLE device_list_changes (
  stream_id INTEGER PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('device', 'signing_key'))
) STRICT;
CREATE INDEX device_list_changes_user ON device_list_changes (user_id, stream_id);

-- Remote device-list updates received while some room was partial-stated (MSC3902; Synapse's
-- device_lists_remote_pending): replayed for a room's members when its resync ends, because
-- before then we cannot tell whether the user is in it.
CREATE TABLE device_lists_pending (
  user_id TEXT NOT NULL,
  origin TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('device', 'signing_key')),
  received_ts INTEGER NOT NULL,
  PRIMARY KEY (user_id, kind)
) STRICT, WITHOUT ROWID;

-- m.direct_to_device message IDs already delivered, per origin, to drop repeats.
CREATE TABLE received_to_device_messages (
  origin TEXT NOT NULL,
  message_id TEXT NOT NULL,
  received_ts INTEGER NOT NULL,
  PRIMARY KEY (origin, message_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX received_to_device_messages_ts ON received_to_device_messages (received_ts);

-- "Does this EDU's origin share a room with us?" looks rooms up by server (the membership
-- index's own index starts with room_id).
CREATE INDEX current_memberships_by_server ON current_memberships (server_name, membership, room_id);
