/** What the federation endpoints serving room data need: the service and the origin check. */
import type { preHandlerAsyncHookHandler } from 'fastify';
import type { FederationRoomData } from '../federation-events/federation-room-data';
import type { Clock } from '../util/clock';

export interface RoomDataRouteDeps {
  serverName: string;
  clock: Clock;
  roomData: FederationRoomData;
  /** `authenticateOrigin(...)`, shared by every authenticated route. */
  authenticate: preHandlerAsyncHookHandler;
}
