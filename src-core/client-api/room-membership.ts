/**
 * Membership endpoints (client-server API "Room membership"): POST /join/{roomIdOrAlias},
 * POST /rooms/{roomId}/{join,leave,invite,kick,ban,unban,forget}, GET /joined_rooms.
 * The decisions live in RoomMembershipService; these handlers read and check the request.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { invalidParam } from '../http/matrix-error';
import type { MembershipExtras } from '../rooms/room-membership-service';
import { authenticate } from './authenticate';
import type { BodyFields } from './request-body';
import { pathParam, readBody } from './request-body';
import { queryParams, requireUserIdValue, roomIdParam } from './room-path-params';

const V3 = '/_matrix/client/v3';

/** The body is optional for join/leave/forget: treat an absent one as `{}`. */
function optionalBody(request: FastifyRequest): BodyFields | undefined {
  return request.body === undefined || request.body === null ? undefined : readBody(request);
}

function extras(body: BodyFields | undefined): MembershipExtras {
  const reason = body?.optionalString('reason');
  return reason === undefined ? {} : { reason };
}

export function registerRoomMembership(app: FastifyInstance, context: HomeserverContext): void {
  const membership = context.rooms.membership;

  const join = async (request: FastifyRequest, roomIdOrAlias: string) => {
    const { userId } = authenticate(request, context);
    // `server_name` is the deprecated spelling of `via` (spec v1.12); accept both.
    const via = [...queryParams(request, 'via'), ...queryParams(request, 'server_name')];
    const roomId = await membership.join(userId, roomIdOrAlias, via, extras(optionalBody(request)));
    return { room_id: roomId };
  };

  app.post(`${V3}/join/:roomIdOrAlias`, async (request) => {
    const target = pathParam(request, 'roomIdOrAlias');
    if (!target.startsWith('!') && !target.startsWith('#')) {
      throw invalidParam(`${JSON.stringify(target)} is neither a room ID nor a room alias`);
    }
    return join(request, target);
  });

  app.post(`${V3}/rooms/:roomId/join`, async (request) => join(request, roomIdParam(request)));

  app.post(`${V3}/rooms/:roomId/leave`, async (request) => {
    const { userId } = authenticate(request, context);
    await membership.leave(userId, roomIdParam(request), extras(optionalBody(request)));
    return {};
  });

  app.post(`${V3}/rooms/:roomId/forget`, async (request) => {
    const { userId } = authenticate(request, context);
    membership.forget(userId, roomIdParam(request));
    return {};
  });

  app.post(`${V3}/rooms/:roomId/invite`, async (request) => {
    const { userId } = authenticate(request, context);
    const roomId = roomIdParam(request);
    const body = readBody(request);
    const target = requireUserIdValue(body.requiredString('user_id'), 'user_id');
    await membership.invite(roomId, userId, target, extras(body));
    return {};
  });

  const targeted = {
    kick: membership.kick.bind(membership),
    ban: membership.ban.bind(membership),
    unban: membership.unban.bind(membership),
  };
  for (const [action, run] of Object.entries(targeted)) {
    app.post(`${V3}/rooms/:roomId/${action}`, async (request) => {
      const { userId } = authenticate(request, context);
      const roomId = roomIdParam(request);
      const body = readBody(request);
      const target = requireUserIdValue(body.requiredString('user_id'), 'user_id');
      run(roomId, userId, target, extras(body));
      return {};
    });
  }

  app.get(`${V3}/joined_rooms`, async (request) => {
    const { userId } = authenticate(request, context);
    return { joined_rooms: membership.joinedRooms(userId) };
  });
}
