/**
 * Remote device-list updates and partial-stated rooms (reference §5; MSC3902; Synapse's
 * `add_remote_device_list_to_pending` / `handle_room_un_partial_stated`).
 *
 * A user we already know shares a room with a local user (membership index, which includes
 * members who joined a partial room after us) is listed in `device_lists.changed` at once. While
 * any partial room names the origin in `servers_in_room`, the update is also held as pending:
 * the omitted members are unknown until the resync ends, so when a room becomes fully stated
 * the pending updates of users now joined to it are replayed into the device-list stream.
 * Pending rows are dropped once no room is partial any more.
 */
import type { RoomServices } from '../rooms/room-services';
import type { DeviceListChangeKind, DeviceListStore } from '../storage/device-list-store';
import type { DeviceListService } from '../sync/device-list-service';
import type { Clock } from '../util/clock';

export type RemoteDeviceListOutcome = 'recorded' | 'pending' | 'recorded-and-pending' | 'ignored';

export class RemoteDeviceLists {
  constructor(
    private readonly deps: {
      serverName: string;
      rooms: RoomServices;
      store: DeviceListStore;
      deviceLists: DeviceListService;
      clock: Clock;
    },
  ) {}

  received(origin: string, userId: string, kind: DeviceListChangeKind): RemoteDeviceListOutcome {
    const { rooms, serverName } = this.deps;
    const known = rooms.currentState
      .roomsOfUser(userId, ['join'])
      .some((row) => rooms.currentState.joinedServers(row.roomId).includes(serverName));
    const pending = rooms.partialState
      .listRooms()
      .some((room) => rooms.partialState.serversInRoom(room.roomId).includes(origin));
    if (known) this.deps.deviceLists.recordChange(userId, kind);
    if (pending) this.deps.store.addPending({ userId, origin, kind }, this.deps.clock.now());
    if (known && pending) return 'recorded-and-pending';
    return known ? 'recorded' : pending ? 'pending' : 'ignored';
  }

  /** The room's resync ended: replay the pending updates of users now joined to it. */
  roomFullyStated(roomId: string): number {
    const { rooms, store } = this.deps;
    const joined = new Set(rooms.currentState.members(roomId, 'join').map((m) => m.userId));
    let replayed = 0;
    for (const update of store.allPending()) {
      if (!joined.has(update.userId)) continue;
      this.deps.deviceLists.recordChange(update.userId, update.kind);
      replayed += 1;
    }
    if (rooms.partialState.listRooms().length === 0) store.clearPending();
    return replayed;
  }
}
