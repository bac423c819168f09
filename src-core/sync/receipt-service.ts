/**
 * Read receipts: stored one per (room, type, user, thread), each write at a new shared stream
 * position, then the room's long-polls are woken. Receipts never move backwards in the
 * timeline (Synapse drops an `m.read` for an older event than the one already read).
 *
 * `m.read.private` is only ever shown to its owner and never leaves this server. Listeners hear
 * local public receipts so federation can send `m.receipt` EDUs.
 */
import type { JsonObject } from '../rules/json';
import type { Database } from '../storage/database';
import type { ReceiptStore, StoredReceipt } from '../storage/receipt-store';
import type { StreamCounter } from '../storage/stream-counter';
import type { SyncStore } from '../storage/sync-store';
import type { SyncNotifier } from './notifier';

export const PRIVATE_READ_RECEIPT = 'm.read.private';
export const PUBLIC_READ_RECEIPT = 'm.read';

export interface ReceiptInput {
  roomId: string;
  userId: string;
  receiptType: string;
  eventId: string;
  /** Undefined (or `''`) for an unthreaded receipt. */
  threadId?: string | undefined;
  /** The receipt body, at least `{ ts }`. */
  data: JsonObject;
}

export type ReceiptListener = (receipt: ReceiptInput) => void;

export class ReceiptService {
  private readonly localListeners = new Set<ReceiptListener>();

  constructor(
    private readonly db: Database,
    private readonly store: ReceiptStore,
    private readonly syncStore: SyncStore,
    private readonly stream: StreamCounter,
    private readonly notifier: SyncNotifier,
  ) {}

  /** Listeners hear local, public receipts (for outbound `m.receipt` EDUs). */
  onLocalReceipt(listener: ReceiptListener): () => void {
    this.localListeners.add(listener);
    return () => this.localListeners.delete(listener);
  }

  /** Stores a local user's receipt; false when ignored because an older event was named. */
  addLocalReceipt(receipt: ReceiptInput): boolean {
    const stored = this.store_(receipt);
    if (stored && receipt.receiptType !== PRIVATE_READ_RECEIPT) {
      for (const listener of this.localListeners) listener(receipt);
    }
    return stored;
  }

  /** A receipt from an `m.receipt` EDU (the caller checked the origin owns the user). */
  addRemoteReceipt(receipt: ReceiptInput): boolean {
    // Private receipts are never federated; one arriving is ignored rather than shown.
    if (receipt.receiptType === PRIVATE_READ_RECEIPT) return false;
    return this.store_(receipt);
  }

  /**
   * The `m.receipt` content per room for receipts changed in (from, to], as `viewer` may see
   * them: `{ [eventId]: { [type]: { [userId]: data } } }`.
   */
  receiptContentFor(
    roomIds: readonly string[],
    from: number,
    to: number,
    viewer: string,
  ): Map<string, JsonObject> {
    const byRoom = new Map<string, JsonObject>();
    for (const receipt of this.store.changedInRooms(roomIds, from, to)) {
      if (receipt.receiptType === PRIVATE_READ_RECEIPT && receipt.userId !== viewer) continue;
      let content = byRoom.get(receipt.roomId);
      if (!content) {
        content = {};
        byRoom.set(receipt.roomId, content);
      }
      const forEvent = (content[receipt.eventId] ??= {}) as JsonObject;
      const forType = (forEvent[receipt.receiptType] ??= {}) as JsonObject;
      forType[receipt.userId] = dataOf(receipt);
    }
    return byRoom;
  }

  private store_(receipt: ReceiptInput): boolean {
    const threadId = receipt.threadId ?? '';
    const stored = this.db.transaction(() => {
      const existing = this.store.get(
        receipt.roomId,
        receipt.receiptType,
        receipt.userId,
        threadId,
      );
      if (existing) {
        if (existing.eventId === receipt.eventId) return false;
        const before = this.syncStore.streamOrderingOf(existing.eventId);
        const after = this.syncStore.streamOrderingOf(receipt.eventId);
        if (before !== undefined && after !== undefined && after < before) return false;
      }
      this.store.upsert({
        roomId: receipt.roomId,
        receiptType: receipt.receiptType,
        userId: receipt.userId,
        threadId,
        eventId: receipt.eventId,
        data: receipt.data,
        streamId: this.stream.next(),
      });
      return true;
    });
    if (stored) this.notifier.notify({ roomIds: [receipt.roomId], userIds: [receipt.userId] });
    return stored;
  }
}

function dataOf(receipt: StoredReceipt): JsonObject {
  const data: JsonObject = { ...receipt.data };
  if (receipt.threadId !== '') data['thread_id'] = receipt.threadId;
  return data;
}
