/**
 * Device-list changes for /sync's `device_lists.changed`, and the remote updates held back while
 * rooms are partial-stated (MSC3902 "device management"; Synapse's
 * `device_lists_remote_pending`).
 */
import type { Database } from './database';

export type DeviceListChangeKind = 'device' | 'signing_key';

export interface PendingDeviceListUpdate {
  userId: string;
  origin: string;
  kind: DeviceListChangeKind;
}

export class DeviceListStore {
  constructor(private readonly db: Database) {}

  recordChange(streamId: number, userId: string, kind: DeviceListChangeKind): void {
    this.db.run(
      this.db.kysely
        .insertInto('device_list_changes')
        .values({ stream_id: streamId, user_id: userId, kind }),
    );
  }

  /** Distinct users whose devices or keys changed in (from, to]. */
  usersChangedIn(from: number, to: number): string[] {
    return this.db
      .all(
        this.db.kysely
          .selectFrom('device_list_changes')
          .select('user_id')
          .distinct()
          .where('stream_id', '>', from)
          .where('stream_id', '<=', to),
      )
      .map((row) => row.user_id);
  }

  addPending(update: PendingDeviceListUpdate, receivedTs: number): void {
    this.db.run(
      this.db.kysely
        .insertInto('device_lists_pending')
        .values({
          user_id: update.userId,
          origin: update.origin,
          kind: update.kind,
          received_ts: receivedTs,
        })
        .onConflict((oc) =>
          oc
            .columns(['user_id', 'kind'])
            .doUpdateSet({ origin: update.origin, received_ts: receivedTs }),
        ),
    );
  }

  allPending(): PendingDeviceListUpdate[] {
    return this.db
      .all(this.db.kysely.selectFrom('device_lists_pending').selectAll())
      .map((row) => ({ userId: row.user_id, origin: row.origin, kind: row.kind }));
  }

  clearPending(): void {
    this.db.run(this.db.kysely.deleteFrom('device_lists_pending'));
  }
}
