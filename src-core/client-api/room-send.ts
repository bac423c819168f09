/**
 * PUT /rooms/{roomId}/send/{eventType}/{txnId} and PUT /rooms/{roomId}/redact/{eventId}/{txnId}
 * (client-server API "Sending events to a room", "Redactions"). Both are idempotent per device
 * and transaction ID: a retry answers the same event_id and creates nothing.
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { invalidParam } from '../http/matrix-error';
import { ClientEventSending } from '../rooms/client-event-sending';
import { authenticate } from './authenticate';
import { jsonObjectBody, pathParam, readBody } from './request-body';
import { eventIdParam, roomIdParam } from './room-path-params';

function nonEmpty(value: string, name: string): string {
  if (value === '') throw invalidParam(`"${name}" must not be empty`);
  return value;
}

export function registerRoomSend(app: FastifyInstance, context: HomeserverContext): void {
  const sending = new ClientEventSending(context.rooms, context.clock);

  app.put('/_matrix/client/v3/rooms/:roomId/send/:eventType/:txnId', async (request) => {
    const requester = authenticate(request, context);
    const roomId = roomIdParam(request);
    const type = nonEmpty(pathParam(request, 'eventType'), 'eventType');
    const txnId = nonEmpty(pathParam(request, 'txnId'), 'txnId');
    const content = jsonObjectBody(request);
    return { event_id: sending.sendMessage(requester, roomId, type, txnId, content) };
  });

  app.put('/_matrix/client/v3/rooms/:roomId/redact/:eventId/:txnId', async (request) => {
    const requester = authenticate(request, context);
    const roomId = roomIdParam(request);
    const eventId = eventIdParam(request);
    const txnId = nonEmpty(pathParam(request, 'txnId'), 'txnId');
    // Clients may send no body at all for a redaction without reason.
    const reason =
      request.body === undefined || request.body === null
        ? undefined
        : readBody(request).optionalString('reason');
    return { event_id: sending.redact(requester, roomId, eventId, txnId, reason) };
  });
}
