/**
 * The federation endpoints that serve room data and queries (/event, /state, /state_ids,
 * /event_auth, /get_missing_events, /backfill, /query/profile, /query/directory), registered
 * inside the encapsulated federation plugin, each behind `authenticateOrigin`.
 */
import type { FastifyInstance } from 'fastify';
import { FederationRoomData } from '../federation-events/federation-room-data';
import type { HomeserverContext } from '../homeserver-context';
import { DagQueries } from '../storage/dag-queries';
import { authenticateOrigin } from './authenticate-origin';
import { registerBackfill } from './backfill';
import { registerEventAuth } from './event-auth';
import { registerGetEvent } from './get-event';
import { registerGetMissingEvents } from './get-missing-events';
import { registerQueryDirectory } from './query-directory';
import { registerQueryProfile } from './query-profile';
import type { RoomDataRouteDeps } from './room-data-route-deps';
import { registerRoomState } from './room-state';
import { registerRoomStateIds } from './room-state-ids';

export function registerRoomDataEndpoints(
  federation: FastifyInstance,
  context: HomeserverContext,
): void {
  const authenticate = authenticateOrigin({
    serverName: context.serverName,
    keyRing: context.federation.keyRing,
    clock: context.clock,
  });
  const deps: RoomDataRouteDeps = {
    serverName: context.serverName,
    clock: context.clock,
    roomData: new FederationRoomData(
      context.serverName,
      context.rooms,
      new DagQueries(context.database),
    ),
    authenticate,
  };
  registerGetEvent(federation, deps);
  registerRoomState(federation, deps);
  registerRoomStateIds(federation, deps);
  registerEventAuth(federation, deps);
  registerGetMissingEvents(federation, deps);
  registerBackfill(federation, deps);
  registerQueryProfile(federation, { accounts: context.accounts, authenticate });
  registerQueryDirectory(federation, { aliases: context.rooms.aliases, authenticate });
}
