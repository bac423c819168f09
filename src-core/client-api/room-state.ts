/**
 * Room state (client-server API "Getting events for a room" / "Sending events to a room"):
 * GET /rooms/{roomId}/state, GET and PUT /rooms/{roomId}/state/{eventType}[/{stateKey}].
 * Reading needs membership (or a world-readable room); a user who left reads the state as it
 * was when they left (room-access.ts). In a partial-stated room, all state and remote users'
 * memberships wait for the resync (full-state-wait.ts); other keys answer at once.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { invalidParam, notFound } from '../http/matrix-error';
import { stateKey as encodeStateKey } from '../rules/events/state-map';
import type { RoomEvent } from '../rules/events/room-event';
import { ClientEventSending } from '../rooms/client-event-sending';
import { authenticate } from './authenticate';
import { awaitFullStateForRequest, stateLookupNeedsFullState } from './full-state-wait';
import { jsonObjectBody, pathParam, queryParam } from './request-body';
import { RoomEventSerializer } from './room-event-serializer';
import { roomIdParam } from './room-path-params';

const BASE = '/_matrix/client/v3/rooms/:roomId/state';

/** The state key: the rest of the path after the type, '' when absent or a trailing slash. */
function stateKeyOf(request: FastifyRequest): string {
  const params = request.params as Record<string, unknown>;
  const rest = params['*'];
  return typeof rest === 'string' ? rest : '';
}

function eventType(request: FastifyRequest): string {
  const type = pathParam(request, 'eventType');
  if (type === '') throw invalidParam('"eventType" must not be empty');
  return type;
}

export function registerRoomState(app: FastifyInstance, context: HomeserverContext): void {
  const { rooms } = context;
  const sending = new ClientEventSending(rooms, context.clock);
  const serializer = new RoomEventSerializer(rooms, context.clock);

  app.get(BASE, async (request, reply) => {
    const requester = authenticate(request, context);
    const roomId = roomIdParam(request);
    rooms.access.readableState(roomId, requester.userId);
    await awaitFullStateForRequest(context, reply, roomId);
    const { state } = rooms.access.readableState(roomId, requester.userId);
    return [...state.values()]
      .map((id) => rooms.eventStore.getEvent(id))
      .filter((e): e is RoomEvent => e !== undefined)
      .map((e) => serializer.serialize(e, requester));
  });

  const getOne = async (request: FastifyRequest, reply: FastifyReply) => {
    const requester = authenticate(request, context);
    const roomId = roomIdParam(request);
    const type = eventType(request);
    const key = stateKeyOf(request);
    if (stateLookupNeedsFullState(context.serverName, type, key)) {
      rooms.access.readableState(roomId, requester.userId);
      await awaitFullStateForRequest(context, reply, roomId);
    }
    const { state } = rooms.access.readableState(roomId, requester.userId);
    const id = state.get(encodeStateKey(type, key));
    const event = id === undefined ? undefined : rooms.eventStore.getEvent(id);
    if (!event) throw notFound(`No ${type} state with key ${JSON.stringify(key)} in ${roomId}`);
    const client = serializer.serialize(event, requester);
    // `format=event` (spec v1.16) asks for the whole event instead of its content.
    return queryParam(request, 'format') === 'event' ? client : client['content'];
  };

  const putOne = async (request: FastifyRequest) => {
    const requester = authenticate(request, context);
    const roomId = roomIdParam(request);
    const content = jsonObjectBody(request);
    const eventId = sending.sendState(
      requester,
      roomId,
      eventType(request),
      stateKeyOf(request),
      content,
    );
    return { event_id: eventId };
  };

  app.get(`${BASE}/:eventType`, getOne);
  app.get(`${BASE}/:eventType/*`, getOne);
  app.put(`${BASE}/:eventType`, putOne);
  app.put(`${BASE}/:eventType/*`, putOne);
}
