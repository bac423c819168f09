/**
 * Device-list changes as /sync reports them (`device_lists.changed`): a user whose devices or
 * cross-signing keys changed is listed to the local users who share a joined room with them.
 * Each change takes a shared stream position and wakes the long-polls of the user's rooms.
 *
 * Only the membership index counts here, not partial rooms' `servers_in_room`: Synapse leaves
 * device-list changes from partial-stated rooms out of /sync (#15069), and remote updates are
 * held back until the room's resync ends (federation-edus/remote-device-lists.ts).
 */
import type { RoomServices } from '../rooms/room-services';
import type { Database } from '../storage/database';
import type { DeviceListChangeKind, DeviceListStore } from '../storage/device-list-store';
import type { StreamCounter } from '../storage/stream-counter';
import type { SyncStore } from '../storage/sync-store';
import type { SyncNotifier } from './notifier';

export class DeviceListService {
  constructor(
    private readonly deps: {
      db: Database;
      store: DeviceListStore;
      syncStore: SyncStore;
      rooms: RoomServices;
      stream: StreamCounter;
      notifier: SyncNotifier;
    },
  ) {}

  /** Records that `userId`'s devices (or signing keys) changed, now. */
  recordChange(userId: string, kind: DeviceListChangeKind): void {
    this.deps.db.transaction(() =>
      this.deps.store.recordChange(this.deps.stream.next(), userId, kind),
    );
    const roomIds = this.deps.rooms.currentState
      .roomsOfUser(userId, ['join'])
      .map((row) => row.roomId);
    this.deps.notifier.notify({ userIds: [userId], roomIds });
  }

  /** Users (other than the viewer) changed in (since, upTo] who share a room with the viewer. */
  changedFor(viewer: string, since: number, upTo: number): string[] {
    return this.deps.store
      .usersChangedIn(since, upTo)
      .filter((other) => other !== viewer && this.deps.syncStore.sharesRoomWith(viewer, other));
  }
}
