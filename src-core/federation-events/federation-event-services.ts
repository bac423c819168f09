/**
 * The event side of federation for one homeserver: typed calls to peers' room endpoints, the
 * state fetcher, and the handler that receives PDUs and EDUs from `/send`. Wired once at start.
 */
import type { FederationServices } from '../federation-services';
import type { Logger } from '../logging/logger';
import type { RoomServices } from '../rooms/room-services';
import { IncomingEventHandler } from './incoming-event-handler';
import { RemoteRoomApi } from './remote-room-api';
import { StateFetcher } from './state-fetcher';

export interface FederationEventServices {
  readonly api: RemoteRoomApi;
  readonly stateFetcher: StateFetcher;
  readonly incoming: IncomingEventHandler;
}

export function createFederationEventServices(deps: {
  serverName: string;
  rooms: RoomServices;
  federation: FederationServices;
  logger: Logger;
}): FederationEventServices {
  const { serverName, rooms, federation, logger } = deps;
  const api = new RemoteRoomApi(federation.client);
  const stateFetcher = new StateFetcher(rooms, api, federation.keyRing, logger);
  const incoming = new IncomingEventHandler(serverName, rooms, api, federation.keyRing, stateFetcher, logger);
  // New local events reach other servers through the durable queue, in the persisting transaction.
  rooms.sender.setFanout(federation.outboundQueue);
  federation.transactionHandler = incoming;
  return { api, stateFetcher, incoming };
}
