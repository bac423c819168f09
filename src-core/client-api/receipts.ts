/**
 * POST /rooms/{roomId}/receipt/{receiptType}/{eventId} and POST /rooms/{roomId}/read_markers
 * (spec: "Receipts" and "Fully read markers"). `m.fully_read` is stored as room account data;
 * `m.read` and `m.read.private` as receipts. The event must be one of the room's, and the
 * caller joined to it.
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { badJson, forbidden, invalidParam, notFound } from '../http/matrix-error';
import { PRIVATE_READ_RECEIPT, PUBLIC_READ_RECEIPT } from '../sync/receipt-service';
import { authenticate } from './authenticate';
import type { Requester } from './authenticate';
import { pathParam, readBody } from './request-body';

const FULLY_READ = 'm.fully_read';
const RECEIPT_TYPES = new Set([PUBLIC_READ_RECEIPT, PRIVATE_READ_RECEIPT, FULLY_READ]);

function mark(
  context: HomeserverContext,
  requester: Requester,
  roomId: string,
  receiptType: string,
  eventId: string,
  threadId: string | undefined,
): void {
  const meta = context.rooms.eventStore.getMeta(eventId);
  if (!meta || meta.roomId !== roomId) throw notFound(`No event ${eventId} in room ${roomId}`);
  if (receiptType === FULLY_READ) {
    context.accounts.setAccountData(requester.userId, roomId, FULLY_READ, { event_id: eventId });
    return;
  }
  context.sync.receipts.addLocalReceipt({
    roomId,
    userId: requester.userId,
    receiptType,
    eventId,
    threadId,
    data: { ts: context.clock.now() },
  });
}

function requireJoined(context: HomeserverContext, requester: Requester, roomId: string): void {
  const membership = context.rooms.currentState.membershipOf(roomId, requester.userId)?.membership;
  if (membership !== 'join') throw forbidden(`${requester.userId} is not in room ${roomId}`);
}

export function registerReceipts(app: FastifyInstance, context: HomeserverContext): void {
  app.post('/_matrix/client/v3/rooms/:roomId/receipt/:receiptType/:eventId', async (request) => {
    const requester = authenticate(request, context);
    const roomId = pathParam(request, 'roomId');
    const receiptType = pathParam(request, 'receiptType');
    const eventId = pathParam(request, 'eventId');
    if (!RECEIPT_TYPES.has(receiptType)) {
      throw invalidParam(`Receipt type must be one of ${[...RECEIPT_TYPES].join(', ')}`);
    }
    // Some clients send no body at all for a receipt; treat that as {}.
    const threadId =
      request.body === undefined || request.body === null || request.body === ''
        ? undefined
        : readBody(request).optionalString('thread_id');
    if (threadId === '') throw invalidParam('thread_id must not be empty');
    requireJoined(context, requester, roomId);
    mark(context, requester, roomId, receiptType, eventId, threadId);
    return {};
  });

  app.post('/_matrix/client/v3/rooms/:roomId/read_markers', async (request) => {
    const requester = authenticate(request, context);
    const roomId = pathParam(request, 'roomId');
    const body = readBody(request);
    const markers: [string, string][] = [];
    for (const type of [FULLY_READ, PUBLIC_READ_RECEIPT, PRIVATE_READ_RECEIPT]) {
      const value = body.object[type];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string') throw badJson(`"${type}" must be an event ID`);
      markers.push([type, value]);
    }
    requireJoined(context, requester, roomId);
    for (const [type, eventId] of markers)
      mark(context, requester, roomId, type, eventId, undefined);
    return {};
  });
}
