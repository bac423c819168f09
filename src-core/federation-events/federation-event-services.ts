/**
 * The event side of federation for one homeserver: typed calls to peers' room endpoints, the
 * state fetcher, and the handler that receives PDUs and EDUs from `/send`. Wired once at start.
 */
import type { RoomRequestLimits } from '../config/homeserver-config';
import type { FederationServices } from '../federation-services';
import { FederationRemoteMembership } from '../federation-membership/federation-remote-membership';
import { InviteReceiver } from '../federation-membership/invite-receiver';
import { ResidentMembership } from '../federation-membership/resident-membership';
import type { Logger } from '../logging/logger';
import type { SigningKey } from '../rules/signing/signing-key';
import type { StreamCounter } from '../storage/stream-counter';
import type { Clock } from '../util/clock';
import { RoomServerAcl } from '../rooms/room-server-acl';
import type { RoomServices } from '../rooms/room-services';
import { IncomingEventHandler } from './incoming-event-handler';
import { RemoteRoomApi } from './remote-room-api';
import { StateFetcher } from './state-fetcher';

export interface FederationEventServices {
  readonly api: RemoteRoomApi;
  readonly stateFetcher: StateFetcher;
  readonly incoming: IncomingEventHandler;
  /** Our side of other servers' make_/send_ join, leave and knock. */
  readonly resident: ResidentMembership;
  /** Local users' joins, leaves and invites that need another server. */
  readonly remoteMembership: FederationRemoteMembership;
  readonly invites: InviteReceiver;
}

export function createFederationEventServices(deps: {
  serverName: string;
  signingKey: SigningKey;
  rooms: RoomServices;
  stream: StreamCounter;
  clock: Clock;
  userExists: (userId: string) => boolean;
  federation: FederationServices;
  logger: Logger;
  /** Defaults to the config defaults. */
  roomRequestLimits?: RoomRequestLimits;
}): FederationEventServices {
  const { serverName, signingKey, rooms, federation, stream, clock, logger } = deps;
  const api = new RemoteRoomApi(federation.client, deps.roomRequestLimits);
  const stateFetcher = new StateFetcher(rooms, api, federation.keyRing, logger);
  const incoming = new IncomingEventHandler(
    serverName,
    rooms,
    api,
    federation.keyRing,
    stateFetcher,
    logger,
  );
  // New local events reach other servers through the durable queue, in the persisting transaction.
  rooms.sender.setFanout(federation.outboundQueue);
  // Nothing for a room reaches a server its m.room.server_acl denies (spec: "Server ACLs").
  const acl = new RoomServerAcl(rooms);
  federation.outboundQueue.addDeliveryFilter((destination, kind, item) =>
    acl.mayDeliver(destination, kind, item),
  );
  federation.transactionHandler = incoming;
  const resident = new ResidentMembership(
    serverName,
    signingKey,
    rooms,
    federation,
    incoming,
    logger,
  );
  const remoteMembership = new FederationRemoteMembership(
    serverName,
    rooms,
    federation,
    api,
    stream,
    clock,
    logger,
  );
  rooms.setRemoteMembership(remoteMembership);
  const invites = new InviteReceiver(
    serverName,
    signingKey,
    rooms,
    federation,
    clock,
    deps.userExists,
  );
  return { api, stateFetcher, incoming, resident, remoteMembership, invites };
}
