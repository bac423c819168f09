/** Local room aliases (`room_aliases`): which room an alias of ours points to, and who made it. */
import type { Database } from './database';

export interface StoredAlias {
  alias: string;
  roomId: string;
  creator: string;
  servers: string[];
}

export class RoomAliasStore {
  constructor(private readonly db: Database) {}

  /** False when the alias is taken (the primary key decides, so two creators cannot both win). */
  insert(alias: StoredAlias): boolean {
    const result = this.db.run(
      this.db.kysely
        .insertInto('room_aliases')
        .values({
          alias: alias.alias,
          room_id: alias.roomId,
          creator: alias.creator,
          servers: JSON.stringify(alias.servers),
        })
        .onConflict((oc) => oc.column('alias').doNothing()),
    );
    return result.changes === 1;
  }

  get(alias: string): StoredAlias | undefined {
    const row = this.db.get(
      this.db.kysely.selectFrom('room_aliases').selectAll().where('alias', '=', alias),
    );
    return (
      row && {
        alias: row.alias,
        roomId: row.room_id,
        creator: row.creator,
        servers: JSON.parse(row.servers) as string[],
      }
    );
  }

  delete(alias: string): boolean {
    return (
      this.db.run(this.db.kysely.deleteFrom('room_aliases').where('alias', '=', alias)).changes ===
      1
    );
  }

  aliasesOfRoom(roomId: string): string[] {
    return this.db
      .all(
        this.db.kysely
          .selectFrom('room_aliases')
          .select('alias')
          .where('room_id', '=', roomId)
          .orderBy('alias'),
      )
      .map((row) => row.alias);
  }
}
