/**
 * The read side of the resident: /state_ids and /state (the state *before* the named event, as
 * Synapse serves it; the joiner adds the event itself), /event, /event_auth,
 * /get_missing_events and /backfill. Everything comes from the script's truth.
 */
import { backfillEvents, missingEvents } from './dag-walks';
import type { PeerHandlerContext, PeerReply, PeerRequest } from './peer-handler-context';
import { isReply, matrixError, ok, requireRoom } from './peer-handler-context';
import { isPeerJsonObject } from './peer-json';

function stateAt(context: PeerHandlerContext, request: PeerRequest) {
  const room = requireRoom(context, request.params[0]);
  if (isReply(room)) return room;
  const eventId = request.query.get('event_id');
  if (eventId === null) return matrixError(400, 'M_MISSING_PARAM', 'event_id is required');
  const event = room.findEvent(eventId);
  if (!event) return matrixError(404, 'M_NOT_FOUND', `unknown event ${eventId}`);
  const stateIds = [...event.stateBefore.values()];
  return { room, stateIds, authChain: room.authChain(stateIds) };
}

export function handleStateIds(context: PeerHandlerContext, request: PeerRequest): PeerReply {
  const found = stateAt(context, request);
  if (isReply(found)) return found;
  return ok({ pdu_ids: found.stateIds, auth_chain_ids: found.authChain.map((e) => e.eventId) });
}

export function handleState(context: PeerHandlerContext, request: PeerRequest): PeerReply {
  const found = stateAt(context, request);
  if (isReply(found)) return found;
  return ok({
    pdus: found.stateIds.map((id) => found.room.event(id).pdu),
    auth_chain: found.authChain.map((e) => e.pdu),
  });
}

export function handleEvent(context: PeerHandlerContext, request: PeerRequest): PeerReply {
  const eventId = request.params[0] ?? '';
  for (const room of context.rooms()) {
    const event = room.findEvent(eventId);
    if (event) {
      return ok({ origin: context.serverName, origin_server_ts: Date.now(), pdus: [event.pdu] });
    }
  }
  return matrixError(404, 'M_NOT_FOUND', `unknown event ${eventId}`);
}

export function handleEventAuth(context: PeerHandlerContext, request: PeerRequest): PeerReply {
  const room = requireRoom(context, request.params[0]);
  if (isReply(room)) return room;
  const eventId = request.params[1] ?? '';
  if (!room.has(eventId)) return matrixError(404, 'M_NOT_FOUND', `unknown event ${eventId}`);
  return ok({ auth_chain: room.authChain([eventId]).map((e) => e.pdu) });
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function handleGetMissingEvents(
  context: PeerHandlerContext,
  request: PeerRequest,
): PeerReply {
  const room = requireRoom(context, request.params[0]);
  if (isReply(room)) return room;
  const body = isPeerJsonObject(request.body) ? request.body : {};
  const limit = typeof body['limit'] === 'number' ? body['limit'] : 10;
  const minDepth = typeof body['min_depth'] === 'number' ? body['min_depth'] : 0;
  const events = missingEvents(room, {
    earliest: stringArray(body['earliest_events']),
    latest: stringArray(body['latest_events']),
    limit,
    minDepth,
  });
  return ok({ events: events.map((e) => e.pdu) });
}

export function handleBackfill(context: PeerHandlerContext, request: PeerRequest): PeerReply {
  const room = requireRoom(context, request.params[0]);
  if (isReply(room)) return room;
  const limit = Number(request.query.get('limit') ?? '10');
  const events = backfillEvents(
    room,
    request.query.getAll('v'),
    Number.isFinite(limit) ? limit : 10,
  );
  return ok({
    origin: context.serverName,
    origin_server_ts: Date.now(),
    pdus: events.map((e) => e.pdu),
  });
}
