/**
 * The three partial-state tables from Synapse's faster-joins design notes: which rooms are
 * partially joined (and via whom), the servers the resident said were in the room, and which
 * events have only partial state.
 */
import type { Database } from './database';

export interface PartialStateRoom {
  roomId: string;
  deviceListsStreamId: number;
  joinEventId: string | null;
  joinedVia: string | null;
}

export class PartialStateStore {
  constructor(private readonly db: Database) {}

  isPartialRoom(roomId: string): boolean {
    return this.getRoom(roomId) !== undefined;
  }

  getRoom(roomId: string): PartialStateRoom | undefined {
    const row = this.db.get(
      this.db.kysely.selectFrom('partial_state_rooms').selectAll().where('room_id', '=', roomId),
    );
    return (
      row && {
        roomId,
        deviceListsStreamId: row.device_lists_stream_id,
        joinEventId: row.join_event_id,
        joinedVia: row.joined_via,
      }
    );
  }

  listRooms(): PartialStateRoom[] {
    return this.db.all(this.db.kysely.selectFrom('partial_state_rooms').selectAll()).map((row) => ({
      roomId: row.room_id,
      deviceListsStreamId: row.device_lists_stream_id,
      joinEventId: row.join_event_id,
      joinedVia: row.joined_via,
    }));
  }

  serversInRoom(roomId: string): string[] {
    return this.db
      .all(
        this.db.kysely
          .selectFrom('partial_state_rooms_servers')
          .select('server_name')
          .where('room_id', '=', roomId),
      )
      .map((row) => row.server_name);
  }

  /**
   * Marks a room partially joined, with the servers the resident named (seed tables). Must run
   * in the transaction that persists the join event, before its partial_state_events row.
   */
  markPartialRoom(room: {
    roomId: string;
    joinEventId: string;
    joinedVia: string;
    servers: readonly string[];
    deviceListsStreamId: number;
  }): void {
    this.db.run(
      this.db.kysely
        .insertInto('partial_state_rooms')
        .values({
          room_id: room.roomId,
          device_lists_stream_id: room.deviceListsStreamId,
          join_event_id: room.joinEventId,
          joined_via: room.joinedVia,
        })
        .onConflict((oc) => oc.column('room_id').doNothing()),
    );
    const insert = this.db.sqlite.prepare(
      'INSERT OR IGNORE INTO partial_state_rooms_servers (room_id, server_name) VALUES (?, ?)',
    );
    for (const server of room.servers) insert.run(room.roomId, server);
  }

  isPartialEvent(eventId: string): boolean {
    return (
      this.db.get(
        this.db.kysely
          .selectFrom('partial_state_events')
          .select('event_id')
          .where('event_id', '=', eventId),
      ) !== undefined
    );
  }
}
