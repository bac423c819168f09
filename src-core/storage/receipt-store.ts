/**
 * Read receipts (spec: client-server "Receipts"): the latest receipt of each type per user per
 * room (per thread), each row stamped with a position from the shared stream so /sync can send
 * only what changed since a token.
 */
import { isJsonObject } from '../rules/json';
import type { JsonObject } from '../rules/json';
import type { Database } from './database';

export interface StoredReceipt {
  roomId: string;
  receiptType: string;
  userId: string;
  /** `''` for an unthreaded receipt. */
  threadId: string;
  eventId: string;
  data: JsonObject;
  streamId: number;
}

export class ReceiptStore {
  constructor(private readonly db: Database) {}

  /** Replaces the user's receipt of this type (and thread) in the room. */
  upsert(receipt: StoredReceipt): void {
    const data = JSON.stringify(receipt.data);
    this.db.run(
      this.db.kysely
        .insertInto('receipts')
        .values({
          room_id: receipt.roomId,
          receipt_type: receipt.receiptType,
          user_id: receipt.userId,
          thread_id: receipt.threadId,
          event_id: receipt.eventId,
          data,
          stream_id: receipt.streamId,
        })
        .onConflict((oc) =>
          oc
            .columns(['room_id', 'receipt_type', 'user_id', 'thread_id'])
            .doUpdateSet({ event_id: receipt.eventId, data, stream_id: receipt.streamId }),
        ),
    );
  }

  get(
    roomId: string,
    receiptType: string,
    userId: string,
    threadId: string,
  ): StoredReceipt | undefined {
    const row = this.db.get(
      this.db.kysely
        .selectFrom('receipts')
        .selectAll()
        .where('room_id', '=', roomId)
        .where('receipt_type', '=', receiptType)
        .where('user_id', '=', userId)
        .where('thread_id', '=', threadId),
    );
    return row && toReceipt(row);
  }

  /** Receipts in `roomIds` with a stream position in (from, to], oldest first. */
  changedInRooms(roomIds: readonly string[], from: number, to: number): StoredReceipt[] {
    if (roomIds.length === 0) return [];
    return this.db
      .all(
        this.db.kysely
          .selectFrom('receipts')
          .selectAll()
          .where('room_id', 'in', roomIds)
          .where('stream_id', '>', from)
          .where('stream_id', '<=', to)
          .orderBy('stream_id'),
      )
      .map(toReceipt);
  }
}

function toReceipt(row: {
  room_id: string;
  receipt_type: string;
  user_id: string;
  thread_id: string;
  event_id: string;
  data: string;
  stream_id: number;
}): StoredReceipt {
  const data: unknown = JSON.parse(row.data);
  return {
    roomId: row.room_id,
    receiptType: row.receipt_type,
    userId: row.user_id,
    threadId: row.thread_id,
    eventId: row.event_id,
    data: isJsonObject(data) ? data : {},
    streamId: row.stream_id,
  };
}
