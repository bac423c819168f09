import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger';
import { Database } from './database';
import { checkStorageInvariants } from './invariants';

const opened: Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

async function freshDatabase(): Promise<Database> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skein-invariants-'));
  const db = await Database.open(path.join(dir, 'skein.sqlite'), silentLogger);
  opened.push(db);
  return db;
}

let ordering = 0;
function insertEvent(db: Database, eventId: string, options: { outlier?: boolean } = {}): void {
  db.sqlite
    .prepare(
      `INSERT INTO events (event_id, stream_ordering, room_id, type, state_key, sender,
         origin_server_ts, depth, received_ts, outlier, json)
       VALUES (?, ?, '!r:x', 'm.room.member', '@u:x', '@u:x', 0, 1, 0, ?, '{}')`,
    )
    .run(eventId, ++ordering, options.outlier ? 1 : 0);
}

function insertGroup(db: Database, group: number): void {
  db.sqlite
    .prepare(
      "INSERT INTO state_groups (state_group, room_id, prev_group, delta_size) VALUES (?, '!r:x', NULL, 0)",
    )
    .run(group);
}

/** A consistent partial room: J with its state, partial row and seed rows. */
function partialRoom(db: Database): void {
  db.sqlite
    .prepare(
      "INSERT INTO rooms (room_id, room_version, created_ts, current_state_group) VALUES ('!r:x', '12', 0, 1)",
    )
    .run();
  insertGroup(db, 1);
  insertEvent(db, '$J');
  db.sqlite.prepare("INSERT INTO event_state VALUES ('$J', 1, 1, NULL)").run();
  db.sqlite.prepare("INSERT INTO partial_state_rooms VALUES ('!r:x', 0, '$J', 'res')").run();
  db.sqlite.prepare("INSERT INTO partial_state_rooms_servers VALUES ('!r:x', 'res')").run();
  db.sqlite.prepare("INSERT INTO partial_state_events VALUES ('!r:x', '$J')").run();
}

describe('checkStorageInvariants', () => {
  it('finds nothing wrong in a fresh database or a consistent partial room', async () => {
    const db = await freshDatabase();
    expect(checkStorageInvariants(db.sqlite)).toEqual([]);
    partialRoom(db);
    expect(checkStorageInvariants(db.sqlite)).toEqual([]);
  });

  it('names a non-outlier event without state and an edge from an unknown event', async () => {
    const db = await freshDatabase();
    insertEvent(db, '$stateless');
    insertEvent(db, '$outlier', { outlier: true });
    db.sqlite.prepare("INSERT INTO event_edges VALUES ('$ghost', '$outlier')").run();
    db.sqlite.prepare("INSERT INTO event_auth_edges VALUES ('$ghost2', '$outlier')").run();
    expect(checkStorageInvariants(db.sqlite)).toEqual([
      'every non-outlier event has an event_state row: $stateless',
      "every event_edges row's event is stored: $ghost",
      "every event_auth_edges row's event is stored: $ghost2",
    ]);
  });

  it('names state rows pointing at missing groups', async () => {
    const db = await freshDatabase();
    insertEvent(db, '$e');
    insertGroup(db, 1);
    db.sqlite.prepare("INSERT INTO event_state VALUES ('$e', 1, 7, NULL)").run();
    db.sqlite
      .prepare("INSERT INTO state_group_entries VALUES (9, 'm.room.create', '', '$c')")
      .run();
    expect(checkStorageInvariants(db.sqlite)).toEqual([
      "every event_state row's state groups exist: $e before=1 after=7 partial=-",
      "every state_group_entries row's group exists: 9",
    ]);
  });

  it('names a join that lost its partial flag without being re-authorised', async () => {
    const db = await freshDatabase();
    partialRoom(db);
    db.sqlite.prepare("DELETE FROM partial_state_events WHERE event_id = '$J'").run();
    expect(checkStorageInvariants(db.sqlite)).toEqual([
      'the join event of a partial room is stored, with a partial flag or full state: !r:x J=$J',
    ]);
    // Re-authorised by the resync (its partial group remembered): consistent again.
    db.sqlite
      .prepare("UPDATE event_state SET partial_state_group_before = 1 WHERE event_id = '$J'")
      .run();
    expect(checkStorageInvariants(db.sqlite)).toEqual([]);
  });

  it('names seed rows of a room that is not partial, and a partial room without servers', async () => {
    const db = await freshDatabase();
    partialRoom(db);
    db.sqlite.pragma('foreign_keys = OFF');
    db.sqlite.prepare("DELETE FROM partial_state_rooms_servers WHERE room_id = '!r:x'").run();
    db.sqlite.prepare("INSERT INTO partial_state_rooms_servers VALUES ('!gone:x', 'res')").run();
    const violations = checkStorageInvariants(db.sqlite);
    expect(violations).toContain(
      'partial_state_rooms_servers rows belong to rooms in partial_state_rooms: !gone:x res',
    );
    expect(violations).toContain(
      'every partial room is a known room with at least one resident server: !r:x',
    );
    expect(violations[0]).toMatch(/^PRAGMA foreign_key_check: 1 rows/);
  });
});
