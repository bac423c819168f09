/**
 * `m.direct_to_device` from another server (spec: server-server "Send-to-device messaging"):
 * the sender must be the origin's user; a `message_id` already received from that origin is a
 * retried transaction and is dropped, so each message reaches the device exactly once.
 */
import { isJsonObject } from '../rules/json';
import type { ToDeviceMessages } from '../sync/to-device-service';
import { isUserOfOrigin } from './edu-origin-checks';
import type { InboundEduDeps } from './inbound-edu-deps';

function parseMessages(value: unknown): ToDeviceMessages | undefined {
  if (!isJsonObject(value)) return undefined;
  const messages: ToDeviceMessages = {};
  for (const [userId, devices] of Object.entries(value)) {
    if (!isJsonObject(devices)) continue;
    const forUser: ToDeviceMessages[string] = {};
    for (const [deviceId, body] of Object.entries(devices)) {
      if (isJsonObject(body)) forUser[deviceId] = body;
    }
    messages[userId] = forUser;
  }
  return messages;
}

export function receiveToDeviceEdu(
  deps: InboundEduDeps,
  origin: string,
  content: Record<string, unknown>,
): void {
  const sender = content['sender'];
  const type = content['type'];
  const messageId = content['message_id'];
  const messages = parseMessages(content['messages']);
  if (
    typeof sender !== 'string' ||
    typeof type !== 'string' ||
    typeof messageId !== 'string' ||
    messageId === '' ||
    !messages
  ) {
    deps.log.debug('ignoring malformed m.direct_to_device', { origin });
    return;
  }
  if (!isUserOfOrigin(sender, origin)) {
    deps.log.debug('ignoring m.direct_to_device from a user of another server', {
      origin,
      sender,
    });
    return;
  }
  if (!deps.receivedToDevice.recordIfNew(origin, messageId, deps.clock.now())) {
    deps.log.debug('dropping a repeated m.direct_to_device', { origin, message_id: messageId });
    return;
  }
  deps.sync.toDevice.deliverRemoteToDevice(sender, type, messages);
}
