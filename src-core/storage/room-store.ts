/** Rooms: the version that drives every rule for a room, and which state group is current. */
import { findRoomVersion } from '../rules/room-versions';
import type { RoomVersion } from '../rules/room-versions';
import type { Database } from './database';

export interface RoomRecord {
  roomId: string;
  version: RoomVersion;
  creator: string | null;
  isPublic: boolean;
  currentStateGroup: number | null;
}

export class RoomStore {
  private readonly versions = new Map<string, RoomVersion>();

  constructor(private readonly db: Database) {}

  insertRoom(room: {
    roomId: string;
    version: RoomVersion;
    creator: string | null;
    createdTs: number;
  }): void {
    this.db.run(
      this.db.kysely
        .insertInto('rooms')
        .values({
          room_id: room.roomId,
          room_version: room.version.id,
          creator: room.creator,
          is_public: 0,
          created_ts: room.createdTs,
          current_state_group: null,
        })
        .onConflict((oc) => oc.column('room_id').doNothing()),
    );
    this.versions.set(room.roomId, room.version);
  }

  getRoom(roomId: string): RoomRecord | undefined {
    const row = this.db.get(
      this.db.kysely.selectFrom('rooms').selectAll().where('room_id', '=', roomId),
    );
    if (!row) return undefined;
    const version = findRoomVersion(row.room_version);
    if (!version) throw new Error(`room ${roomId} has unsupported version ${row.room_version}`);
    return {
      roomId,
      version,
      creator: row.creator,
      isPublic: row.is_public === 1,
      currentStateGroup: row.current_state_group,
    };
  }

  /** The room's version, cached: every event load needs it. */
  getRoomVersion(roomId: string): RoomVersion | undefined {
    const cached = this.versions.get(roomId);
    if (cached) return cached;
    const version = this.getRoom(roomId)?.version;
    if (version) this.versions.set(roomId, version);
    return version;
  }

  setCurrentStateGroup(roomId: string, group: number): void {
    this.db.run(
      this.db.kysely
        .updateTable('rooms')
        .set({ current_state_group: group })
        .where('room_id', '=', roomId),
    );
  }

  setPublic(roomId: string, isPublic: boolean): void {
    this.db.run(
      this.db.kysely
        .updateTable('rooms')
        .set({ is_public: isPublic ? 1 : 0 })
        .where('room_id', '=', roomId),
    );
  }

  listRoomIds(): string[] {
    return this.db.all(this.db.kysely.selectFrom('rooms').select('room_id')).map((r) => r.room_id);
  }

  publicRoomIds(): string[] {
    return this.db
      .all(this.db.kysely.selectFrom('rooms').select('room_id').where('is_public', '=', 1))
      .map((r) => r.room_id);
  }
}
