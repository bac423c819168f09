/**
 * PUT /_matrix/client/v3/sendToDevice/{eventType}/{txnId}. Idempotent per device and
 * transaction ID (remembered in memory: a retry after a restart may deliver twice, which
 * to-device consumers already tolerate for encrypted payloads).
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { badJson } from '../http/matrix-error';
import { isJsonObject } from '../rules/json';
import type { JsonObject } from '../rules/json';
import type { ToDeviceMessages } from '../sync/to-device-service';
import { LruCache } from '../util/lru-cache';
import { authenticate } from './authenticate';
import { pathParam, readBody } from './request-body';

function parseMessages(value: unknown): ToDeviceMessages {
  if (!isJsonObject(value)) throw badJson('"messages" must be an object');
  const messages: ToDeviceMessages = {};
  for (const [userId, devices] of Object.entries(value)) {
    if (!isJsonObject(devices)) throw badJson(`"messages.${userId}" must be an object`);
    const forUser: Record<string, JsonObject> = {};
    for (const [deviceId, content] of Object.entries(devices)) {
      if (!isJsonObject(content)) {
        throw badJson(`"messages.${userId}.${deviceId}" must be an object`);
      }
      forUser[deviceId] = content;
    }
    messages[userId] = forUser;
  }
  return messages;
}

export function registerSendToDevice(app: FastifyInstance, context: HomeserverContext): void {
  const seen = new LruCache<string, true>(10_000);
  app.put('/_matrix/client/v3/sendToDevice/:eventType/:txnId', async (request) => {
    const requester = authenticate(request, context);
    const eventType = pathParam(request, 'eventType');
    const txnId = pathParam(request, 'txnId');
    const messages = parseMessages(readBody(request).object['messages']);
    const key = `${requester.userId}\u0000${requester.deviceId}\u0000${txnId}`;
    if (seen.get(key)) return {};
    seen.set(key, true);
    context.sync.toDevice.sendFromLocal(
      requester.userId,
      eventType,
      `${requester.deviceId}:${txnId}`,
      messages,
    );
    return {};
  });
}
