/**
 * The newest presence of each user, local or remote (spec: client-server "Presence"), stamped
 * with a shared stream position so /sync sends only what changed since a token.
 */
import type { Database } from './database';

export type PresenceState = 'online' | 'unavailable' | 'offline';

export interface StoredPresence {
  userId: string;
  presence: PresenceState;
  statusMsg: string | null;
  lastActiveTs: number;
  currentlyActive: boolean;
  streamId: number;
}

type PresenceRow = {
  user_id: string;
  presence: PresenceState;
  status_msg: string | null;
  last_active_ts: number;
  currently_active: number;
  stream_id: number;
};

function fromRow(row: PresenceRow): StoredPresence {
  return {
    userId: row.user_id,
    presence: row.presence,
    statusMsg: row.status_msg,
    lastActiveTs: row.last_active_ts,
    currentlyActive: row.currently_active === 1,
    streamId: row.stream_id,
  };
}

export class PresenceStore {
  constructor(private readonly db: Database) {}

  upsert(presence: StoredPresence): void {
    const values = {
      presence: presence.presence,
      status_msg: presence.statusMsg,
      last_active_ts: presence.lastActiveTs,
      currently_active: presence.currentlyActive ? 1 : 0,
      stream_id: presence.streamId,
    };
    this.db.run(
      this.db.kysely
        .insertInto('presence')
        .values({ user_id: presence.userId, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values)),
    );
  }

  get(userId: string): StoredPresence | undefined {
    const row = this.db.get(
      this.db.kysely.selectFrom('presence').selectAll().where('user_id', '=', userId),
    );
    return row && fromRow(row);
  }

  /** Rows written in (from, to], oldest first. */
  changedIn(from: number, to: number): StoredPresence[] {
    return this.db
      .all(
        this.db.kysely
          .selectFrom('presence')
          .selectAll()
          .where('stream_id', '>', from)
          .where('stream_id', '<=', to)
          .orderBy('stream_id'),
      )
      .map(fromRow);
  }
}
