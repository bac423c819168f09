/**
 * The /sync subsystem of one homeserver, wired once: the notifier and what feeds it (persisted
 * events, account data, typing, receipts, to-device, un-partial-stated rooms), and the handler.
 *
 * Hooks for federation (wired by the federation engineers):
 * - inbound EDUs: `typing.setRemoteTyping`, `receipts.addRemoteReceipt`,
 *   `toDevice.deliverRemoteToDevice`, `presence.setRemote`, `deviceLists.recordChange`;
 * - outbound EDUs: `typing.onLocalTyping`, `receipts.onLocalReceipt`, `toDevice.onOutbound`,
 *   `presence.onLocalPresence`;
 * - faster joins: `notifier.notifyRoomUnPartialStated(roomId)`.
 */
import type { AccountService } from '../accounts/account-service';
import type { RoomServices } from '../rooms/room-services';
import type { Database } from '../storage/database';
import { DeviceInboxStore } from '../storage/device-inbox-store';
import { DeviceListStore } from '../storage/device-list-store';
import { PresenceStore } from '../storage/presence-store';
import { ReceiptStore } from '../storage/receipt-store';
import type { StreamCounter } from '../storage/stream-counter';
import { SyncStore } from '../storage/sync-store';
import type { Clock } from '../util/clock';
import { DeviceListService } from './device-list-service';
import { LazyLoadedMembersCache } from './lazy-loaded-members';
import { SyncNotifier } from './notifier';
import { PresenceService } from './presence-service';
import { ReceiptService } from './receipt-service';
import { RoomSyncBuilder } from './room-sync-builder';
import { SyncHandler } from './sync-handler';
import { ToDeviceService } from './to-device-service';
import { TypingService } from './typing-service';

export class SyncServices {
  readonly store: SyncStore;
  readonly notifier: SyncNotifier;
  readonly typing: TypingService;
  readonly receipts: ReceiptService;
  readonly toDevice: ToDeviceService;
  readonly presence: PresenceService;
  readonly deviceLists: DeviceListService;
  readonly lazyMembers: LazyLoadedMembersCache;
  readonly handler: SyncHandler;

  constructor(deps: {
    database: Database;
    serverName: string;
    stream: StreamCounter;
    clock: Clock;
    rooms: RoomServices;
    accounts: AccountService;
  }) {
    const { database, stream, rooms, accounts } = deps;
    this.store = new SyncStore(database);
    this.notifier = new SyncNotifier((roomId) =>
      this.store.recordUnPartialStated(stream.next(), roomId),
    );
    this.typing = new TypingService(this.notifier);
    this.receipts = new ReceiptService(
      database,
      new ReceiptStore(database),
      this.store,
      stream,
      this.notifier,
    );
    this.toDevice = new ToDeviceService(
      deps.serverName,
      database,
      new DeviceInboxStore(database),
      accounts,
      stream,
      this.notifier,
    );
    this.presence = new PresenceService({
      db: database,
      store: new PresenceStore(database),
      syncStore: this.store,
      rooms,
      stream,
      notifier: this.notifier,
      clock: deps.clock,
    });
    this.deviceLists = new DeviceListService({
      db: database,
      store: new DeviceListStore(database),
      syncStore: this.store,
      rooms,
      stream,
      notifier: this.notifier,
    });
    this.lazyMembers = new LazyLoadedMembersCache();
    this.handler = new SyncHandler({
      rooms,
      syncStore: this.store,
      builder: new RoomSyncBuilder(rooms, this.store, this.lazyMembers, () => deps.clock.now()),
      notifier: this.notifier,
      typing: this.typing,
      receipts: this.receipts,
      toDevice: this.toDevice,
      presence: this.presence,
      deviceLists: this.deviceLists,
      stream,
    });

    rooms.persister.onPersisted((persisted) => {
      const roomIds = new Set<string>();
      const userIds = new Set<string>();
      for (const { event, outlier } of persisted) {
        if (!outlier) roomIds.add(event.roomId);
        // Invites (outliers when they come over federation) and joins reach the member even
        // though their long-poll does not watch the room yet.
        if (event.type === 'm.room.member' && event.stateKey !== undefined) {
          userIds.add(event.stateKey);
        }
      }
      this.notifier.notify({ roomIds, userIds });
    });
    accounts.onAccountDataChanged((change) => this.notifier.notify({ userIds: [change.userId] }));
  }

  /** Ends every long-poll and typing timer (Homeserver.stop, before the HTTP server closes). */
  stop(): void {
    this.typing.stop();
    this.notifier.stop();
  }
}
