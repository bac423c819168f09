-- Tables the client-server room API needs beyond 0001.

-- Which redaction targets which event. Kept separately from events.redacted_by because a
-- redaction may arrive before its target (federation does not order them): when the target is
-- persisted later, this table says it is already redacted.
CREATE TABLE event_redactions (
  redaction_id TEXT PRIMARY KEY NOT NULL,
  target_id TEXT NOT NULL,
  room_id TEXT NOT NULL
) STRICT;
CREATE INDEX event_redactions_target ON event_redactions (target_id);

-- Rooms a user has forgotten (POST /rooms/{roomId}/forget); cleared when they join again.
CREATE TABLE forgotten_rooms (
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  PRIMARY KEY (user_id, room_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX room_aliases_room ON room_aliases (room_id);

-- /messages paginates in topological order: membership lookups by (room, user, stream) for
-- history visibility ("did the user join after this event?").
CREATE INDEX room_memberships_room_user ON room_memberships (room_id, user_id);

-- unsigned.transaction_id is shown to the sending device: find the transaction by event.
CREATE INDEX IF NOT EXISTS client_txn_ids_event ON client_txn_ids (event_id);
