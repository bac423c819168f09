/**
 * Reading a room's history (client-server API "Getting events for a room"):
 * GET /rooms/{roomId}/messages, /context/{eventId} and /event/{eventId}. History visibility
 * applies to all three (rooms/event-visibility.ts); pagination is topological
 * (rooms/pagination-token.ts documents the tokens).
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { invalidParam, notFound } from '../http/matrix-error';
import { parseRoomEventFilter } from '../rooms/room-event-filter';
import {
  DEFAULT_MESSAGES_LIMIT,
  MAX_MESSAGES_LIMIT,
  RoomPagination,
} from '../rooms/room-pagination';
import { authenticate } from './authenticate';
import { queryParam } from './request-body';
import { RoomEventSerializer } from './room-event-serializer';
import { eventIdParam, queryInteger, roomIdParam } from './room-path-params';

const V3 = '/_matrix/client/v3';

export function registerRoomTimeline(app: FastifyInstance, context: HomeserverContext): void {
  const { rooms } = context;
  const pagination = new RoomPagination(rooms);
  const serializer = new RoomEventSerializer(rooms, context.clock);

  app.get(`${V3}/rooms/:roomId/messages`, async (request) => {
    const requester = authenticate(request, context);
    const roomId = roomIdParam(request);
    const dir = queryParam(request, 'dir') ?? 'b';
    if (dir !== 'b' && dir !== 'f') throw invalidParam('"dir" must be "b" or "f"');
    const filter = parseRoomEventFilter(queryParam(request, 'filter'));
    const limit = queryInteger(
      queryParam(request, 'limit'),
      'limit',
      Math.min(filter.limit ?? DEFAULT_MESSAGES_LIMIT, MAX_MESSAGES_LIMIT),
      MAX_MESSAGES_LIMIT,
    );
    const page = pagination.messages(roomId, requester.userId, {
      from: queryParam(request, 'from'),
      to: queryParam(request, 'to'),
      dir,
      limit,
      filter,
    });
    return {
      start: page.start,
      ...(page.end === undefined ? {} : { end: page.end }),
      chunk: serializer.serializeAll(page.chunk, requester),
      ...(page.state.length > 0 ? { state: serializer.serializeAll(page.state, requester) } : {}),
    };
  });

  app.get(`${V3}/rooms/:roomId/context/:eventId`, async (request) => {
    const requester = authenticate(request, context);
    const roomId = roomIdParam(request);
    const eventId = eventIdParam(request);
    const filter = parseRoomEventFilter(queryParam(request, 'filter'));
    const limit = queryInteger(queryParam(request, 'limit'), 'limit', 10, 100);
    const result = pagination.context(roomId, requester.userId, eventId, limit, filter);
    return {
      event: serializer.serialize(result.event, requester),
      events_before: serializer.serializeAll(result.before, requester),
      events_after: serializer.serializeAll(result.after, requester),
      start: result.start,
      end: result.end,
      state: serializer.serializeAll(result.state, requester),
    };
  });

  app.get(`${V3}/rooms/:roomId/event/:eventId`, async (request) => {
    const requester = authenticate(request, context);
    const roomId = roomIdParam(request);
    const eventId = eventIdParam(request);
    const event = rooms.eventStore.getEvent(eventId);
    const meta = rooms.eventStore.getMeta(eventId);
    // Unknown, elsewhere, outside the visible timeline, or hidden by history visibility: the
    // spec gives one answer for all of them, so existence is not revealed.
    if (
      !event ||
      !meta ||
      event.roomId !== roomId ||
      meta.outlier ||
      meta.softFailed ||
      rooms.eventStore.isRejected(eventId) ||
      !rooms.visibility.canSee(requester.userId, event)
    ) {
      throw notFound(`Event ${eventId} not found`);
    }
    return serializer.serialize(event, requester);
  });
}
