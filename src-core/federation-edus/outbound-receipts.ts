/**
 * Local public receipts → `m.receipt` EDUs (spec: server-server "Receipts") to the servers in
 * the room. Private receipts never reach here (ReceiptService keeps them local).
 */
import type { OutboundQueue } from '../federation-client/outbound-queue';
import type { JsonObject } from '../rules/json';
import type { RoomServices } from '../rooms/room-services';
import type { ReceiptInput } from '../sync/receipt-service';
import { roomEduDestinations } from './edu-destinations';

/** `{ room_id: { receipt_type: { user_id: { event_ids, data } } } }`; threads go in `data`. */
export function receiptEdu(receipt: ReceiptInput): JsonObject {
  const data: JsonObject = { ...receipt.data };
  if (receipt.threadId !== undefined && receipt.threadId !== '') {
    data['thread_id'] = receipt.threadId;
  }
  return {
    edu_type: 'm.receipt',
    content: {
      [receipt.roomId]: {
        [receipt.receiptType]: { [receipt.userId]: { event_ids: [receipt.eventId], data } },
      },
    },
  };
}

export function sendReceiptEdu(
  deps: { serverName: string; rooms: RoomServices; queue: Pick<OutboundQueue, 'enqueueEdu'> },
  receipt: ReceiptInput,
): void {
  const destinations = roomEduDestinations(deps.rooms, deps.serverName, receipt.roomId);
  if (destinations.length === 0) return;
  deps.queue.enqueueEdu(destinations, receiptEdu(receipt));
}
