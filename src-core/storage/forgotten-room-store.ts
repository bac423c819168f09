/** Rooms a user has forgotten (`forgotten_rooms`); joining again un-forgets. */
import type { Database } from './database';

export class ForgottenRoomStore {
  constructor(private readonly db: Database) {}

  forget(userId: string, roomId: string): void {
    this.db.run(
      this.db.kysely
        .insertInto('forgotten_rooms')
        .values({ user_id: userId, room_id: roomId })
        .onConflict((oc) => oc.columns(['user_id', 'room_id']).doNothing()),
    );
  }

  unforget(userId: string, roomId: string): void {
    this.db.run(
      this.db.kysely
        .deleteFrom('forgotten_rooms')
        .where('user_id', '=', userId)
        .where('room_id', '=', roomId),
    );
  }

  isForgotten(userId: string, roomId: string): boolean {
    return (
      this.db.get(
        this.db.kysely
          .selectFrom('forgotten_rooms')
          .select('room_id')
          .where('user_id', '=', userId)
          .where('room_id', '=', roomId),
      ) !== undefined
    );
  }
}
