/**
 * To-device messages for remote users → one `m.direct_to_device` EDU per destination (spec:
 * server-server "Send-to-device messaging"). The receiver drops repeats by origin and
 * `message_id`, so the ID is derived from the sender, the client's message ID (device and
 * transaction ID) and the destination: a client retrying after our restart sends the same ID,
 * and two of our users can never collide.
 */
import { createHash } from 'node:crypto';
import type { OutboundQueue } from '../federation-client/outbound-queue';
import type { JsonObject } from '../rules/json';
import type { OutboundToDevice } from '../sync/to-device-service';

export function toDeviceMessageId(outbound: OutboundToDevice): string {
  return createHash('sha256')
    .update(`${outbound.sender}\u0000${outbound.messageId}\u0000${outbound.destination}`)
    .digest('base64url')
    .slice(0, 32);
}

export function toDeviceEdu(outbound: OutboundToDevice): JsonObject {
  return {
    edu_type: 'm.direct_to_device',
    content: {
      sender: outbound.sender,
      type: outbound.type,
      message_id: toDeviceMessageId(outbound),
      messages: outbound.messages,
    },
  };
}

export function sendToDeviceEdu(
  deps: { queue: Pick<OutboundQueue, 'enqueueEdu'> },
  outbound: OutboundToDevice,
): void {
  deps.queue.enqueueEdu([outbound.destination], toDeviceEdu(outbound));
}
