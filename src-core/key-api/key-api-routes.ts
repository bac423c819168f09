/** The key API: our own server keys and notary queries. */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { registerKeyQuery } from './key-query';
import { registerServerKeys } from './server-keys';

export function registerKeyApi(app: FastifyInstance, context: HomeserverContext): void {
  registerServerKeys(app, {
    serverName: context.serverName,
    signingKey: context.signingKey,
    clock: context.clock,
  });
  registerKeyQuery(app, { keyRing: context.federation.keyRing, clock: context.clock });
}
