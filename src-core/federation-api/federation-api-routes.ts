/**
 * Every federation API route, one module per endpoint. They live in one encapsulated fastify
 * plugin that parses bodies with the strict JSON parser and a federation-sized body limit;
 * register new endpoints inside it (with `authenticateOrigin` unless the spec says otherwise).
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { RoomServerAcl } from '../rooms/room-server-acl';
import { refuseDeniedOrigins } from './denied-origin-hook';
import { installStrictJsonBodyParser } from './federation-json-body';
import { registerInvite } from './invite';
import { registerMembershipHandshake } from './membership-handshake';
import { registerRoomDataEndpoints } from './room-data-routes';
import { roomAclCheck } from './room-acl-check';
import { registerSendTransaction } from './send-transaction';
import { registerFederationVersion } from './version';

export function registerFederationApi(app: FastifyInstance, context: HomeserverContext): void {
  void app.register(async (federation) => {
    installStrictJsonBodyParser(federation);
    federation.decorateRequest('federationOrigin', undefined);
    // Before authentication: checking a denied origin's signature would mean fetching its key.
    federation.addHook('onRequest', refuseDeniedOrigins(context.federation.destinationPolicy));
    const acl = roomAclCheck(new RoomServerAcl(context.rooms));
    registerFederationVersion(federation);
    registerSendTransaction(federation, {
      serverName: context.serverName,
      keyRing: context.federation.keyRing,
      clock: context.clock,
      logger: context.logger,
      store: context.federation.inboundTransactions,
      handler: () => context.federation.transactionHandler,
      onOriginSeen: (origin) => context.federation.outboundQueue.markReachable(origin),
    });
    registerRoomDataEndpoints(federation, context);
    registerMembershipHandshake(federation, {
      serverName: context.serverName,
      keyRing: context.federation.keyRing,
      clock: context.clock,
      resident: () => context.federationEvents.resident,
      acl,
    });
    registerInvite(federation, {
      serverName: context.serverName,
      keyRing: context.federation.keyRing,
      clock: context.clock,
      receiver: () => context.federationEvents.invites,
      acl,
    });
  });
}
