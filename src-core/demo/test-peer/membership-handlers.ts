/**
 * make_join / send_join v2 / make_leave / send_leave v2, the resident side of a join as the
 * script defines the room. The joiner's event is checked only for shape and event ID (computed
 * by the peer's own code), then added to the DAG so later answers include it.
 */
import type { PeerHandlerContext, PeerReply, PeerRequest } from './peer-handler-context';
import { isReply, matrixError, ok, requireRoom } from './peer-handler-context';
import { selectAuthEvents } from './auth-event-selection';
import { eventIdOf } from './peer-event-hashes';
import type { PeerJsonObject } from './peer-json';
import { isPeerJsonObject } from './peer-json';
import { buildSendJoinResponse } from './send-join-response';

function makeMembership(
  context: PeerHandlerContext,
  request: PeerRequest,
  membership: 'join' | 'leave',
): PeerReply {
  const room = requireRoom(context, request.params[0]);
  if (isReply(room)) return room;
  const userId = request.params[1] ?? '';
  if (membership === 'join') {
    const versions = request.query.getAll('ver');
    if (!versions.includes(room.version.id)) {
      return {
        status: 400,
        body: {
          errcode: 'M_INCOMPATIBLE_ROOM_VERSION',
          error: `room version ${room.version.id} is not among ${versions.join(', ')}`,
          room_version: room.version.id,
        },
      };
    }
  }
  const prevEvents =
    (membership === 'join' ? room.joinTemplatePrevEvents : undefined) ?? room.forwardExtremities();
  const stateBefore = room.mergeStates(prevEvents);
  const content: PeerJsonObject = { membership };
  const depth = Math.max(0, ...prevEvents.map((id) => room.findEvent(id)?.depth ?? 0)) + 1;
  const template: PeerJsonObject = {
    type: 'm.room.member',
    room_id: room.roomId,
    sender: userId,
    state_key: userId,
    content,
    origin_server_ts: Date.now(),
    depth,
    prev_events: [...prevEvents],
    auth_events: selectAuthEvents(
      stateBefore,
      { type: 'm.room.member', stateKey: userId, sender: userId, content },
      room.version,
    ),
  };
  return ok({ event: template, room_version: room.version.id });
}

/** The query flag, stable name first; MSC3706 says anything but true/false is a 400. */
function omitMembersParam(
  query: URLSearchParams,
): { value: boolean; unstable: boolean } | PeerReply {
  for (const [name, unstable] of [
    ['omit_members', false],
    ['org.matrix.msc3706.partial_state', true],
  ] as const) {
    const raw = query.get(name);
    if (raw === null) continue;
    if (raw !== 'true' && raw !== 'false') {
      return matrixError(400, 'M_INVALID_PARAM', `${name} must be true or false, got ${raw}`);
    }
    if (raw === 'true') return { value: true, unstable };
  }
  return { value: false, unstable: false };
}

function checkMembershipEvent(
  request: PeerRequest,
  membership: 'join' | 'leave',
  room: NonNullable<ReturnType<PeerHandlerContext['room']>>,
): PeerJsonObject | PeerReply {
  const pdu = request.body;
  if (!isPeerJsonObject(pdu)) return matrixError(400, 'M_BAD_JSON', 'the body is not an event');
  const content = pdu['content'];
  if (
    pdu['type'] !== 'm.room.member' ||
    !isPeerJsonObject(content) ||
    content['membership'] !== membership ||
    pdu['state_key'] !== pdu['sender'] ||
    pdu['room_id'] !== room.roomId
  ) {
    return matrixError(
      400,
      'M_INVALID_PARAM',
      `not a ${membership} event of its sender in ${room.roomId}`,
    );
  }
  const computed = eventIdOf(pdu, room.version);
  if (computed !== request.params[1]) {
    return matrixError(
      400,
      'M_INVALID_PARAM',
      `the event's ID is ${computed}, not ${request.params[1]}`,
    );
  }
  return pdu;
}

export function handleMakeJoin(context: PeerHandlerContext, request: PeerRequest): PeerReply {
  return makeMembership(context, request, 'join');
}

export function handleMakeLeave(context: PeerHandlerContext, request: PeerRequest): PeerReply {
  return makeMembership(context, request, 'leave');
}

export function handleSendJoin(context: PeerHandlerContext, request: PeerRequest): PeerReply {
  const room = requireRoom(context, request.params[0]);
  if (isReply(room)) return room;
  const omit = omitMembersParam(request.query);
  if (isReply(omit)) return omit;
  const pdu = checkMembershipEvent(request, 'join', room);
  if (isReply(pdu)) return pdu;
  const join = room.receive(pdu);
  const answer = buildSendJoinResponse(room, join, {
    origin: context.serverName,
    omitMembers: omit.value && !context.switches.serveFullState,
    unstableNames: omit.unstable,
  });
  return ok(answer.body);
}

export function handleSendLeave(context: PeerHandlerContext, request: PeerRequest): PeerReply {
  const room = requireRoom(context, request.params[0]);
  if (isReply(room)) return room;
  const pdu = checkMembershipEvent(request, 'leave', room);
  if (isReply(pdu)) return pdu;
  room.receive(pdu);
  return ok({});
}
