/**
 * Which servers share a room, from the membership index (`current_memberships.server_name`):
 * used to decide whether an EDU's origin has any business telling us about its users.
 */
import type { Database } from './database';

export class ServerSharingStore {
  constructor(private readonly db: Database) {}

  /** Whether some room has joined members of both servers. */
  shareJoinedRoom(server: string, other: string): boolean {
    return (
      this.db.sqlite
        .prepare(
          `SELECT 1 FROM current_memberships AS a JOIN current_memberships AS b
             ON a.room_id = b.room_id
           WHERE a.server_name = ? AND a.membership = 'join'
             AND b.server_name = ? AND b.membership = 'join'
           LIMIT 1`,
        )
        .get(server, other) !== undefined
    );
  }
}
