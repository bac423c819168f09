/**
 * GET /rooms/{roomId}/members (with `at`, `membership`, `not_membership`) and
 * GET /rooms/{roomId}/joined_members. Members are read from the state the user may see
 * (rooms/room-access.ts): current while joined, as it was when they left otherwise. In a
 * partial-stated room both wait for the resync and answer from the full state (faster joins:
 * the resident omitted most members; full-state-wait.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { invalidParam } from '../http/matrix-error';
import type { JsonObject } from '../rules/json';
import type { RoomEvent } from '../rules/events/room-event';
import { parseStateKey } from '../rules/events/state-map';
import type { StateMap } from '../rules/events/state-map';
import { parsePaginationToken } from '../rooms/pagination-token';
import { authenticate } from './authenticate';
import { awaitFullStateForRequest } from './full-state-wait';
import { queryParam } from './request-body';
import { RoomEventSerializer } from './room-event-serializer';
import { roomIdParam } from './room-path-params';

const V3 = '/_matrix/client/v3';
const MEMBERSHIPS = new Set(['join', 'invite', 'knock', 'leave', 'ban']);

function membershipParam(value: string | undefined, name: string): string | undefined {
  if (value !== undefined && !MEMBERSHIPS.has(value)) {
    throw invalidParam(`"${name}" must be one of ${[...MEMBERSHIPS].join(', ')}`);
  }
  return value;
}

function memberEvents(
  state: StateMap,
  getEvent: (id: string) => RoomEvent | undefined,
): RoomEvent[] {
  const events: RoomEvent[] = [];
  for (const [key, id] of state) {
    if (parseStateKey(key).type !== 'm.room.member') continue;
    const event = getEvent(id);
    if (event) events.push(event);
  }
  return events.sort((a, b) => ((a.stateKey ?? '') < (b.stateKey ?? '') ? -1 : 1));
}

export function registerRoomMembers(app: FastifyInstance, context: HomeserverContext): void {
  const { rooms } = context;
  const serializer = new RoomEventSerializer(rooms, context.clock);
  const getEvent = (id: string) => rooms.eventStore.getEvent(id);

  app.get(`${V3}/rooms/:roomId/members`, async (request, reply) => {
    const requester = authenticate(request, context);
    const roomId = roomIdParam(request);
    const membership = membershipParam(queryParam(request, 'membership'), 'membership');
    const notMembership = membershipParam(queryParam(request, 'not_membership'), 'not_membership');
    // Refuse outsiders before waiting; read the state again once it is full.
    rooms.access.readableState(roomId, requester.userId);
    await awaitFullStateForRequest(context, reply, roomId);
    const readable = rooms.access.readableState(roomId, requester.userId);
    let state = readable.state;
    const at = queryParam(request, 'at');
    if (at !== undefined) {
      // The state after the last event at or before the token. A user who left keeps the
      // state of their departure: `at` cannot reach past it.
      const token = parsePaginationToken(at, 'at');
      const position =
        token.kind === 'topological'
          ? token.position
          : rooms.timeline.positionAtStream(roomId, token.stream);
      const [last] = rooms.timeline.atOrBefore(roomId, position, 1);
      const groups = last ? rooms.eventStore.getEventState(last.eventId) : undefined;
      if (groups && readable.current) {
        state = rooms.stateStore.getState(groups.after);
      }
    }
    const chunk = memberEvents(state, getEvent).filter((event) => {
      const value = event.content['membership'];
      if (membership !== undefined && value !== membership) return false;
      if (notMembership !== undefined && value === notMembership) return false;
      return true;
    });
    return { chunk: serializer.serializeAll(chunk, requester) };
  });

  app.get(`${V3}/rooms/:roomId/joined_members`, async (request, reply) => {
    const requester = authenticate(request, context);
    const roomId = roomIdParam(request);
    rooms.access.readableState(roomId, requester.userId);
    await awaitFullStateForRequest(context, reply, roomId);
    const { state } = rooms.access.readableState(roomId, requester.userId);
    const joined: JsonObject = {};
    for (const event of memberEvents(state, getEvent)) {
      if (event.content['membership'] !== 'join' || event.stateKey === undefined) continue;
      const displayName = event.content['displayname'];
      const avatarUrl = event.content['avatar_url'];
      // Every entry carries both keys, null when unset (clients index them unconditionally).
      joined[event.stateKey] = {
        display_name: typeof displayName === 'string' ? displayName : null,
        avatar_url: typeof avatarUrl === 'string' ? avatarUrl : null,
      };
    }
    return { joined };
  });
}
