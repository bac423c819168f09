/** The key API: our own server keys (and, later, notary queries). */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { registerServerKeys } from './server-keys';

export function registerKeyApi(app: FastifyInstance, context: HomeserverContext): void {
  registerServerKeys(app, {
    serverName: context.serverName,
    signingKey: context.signingKey,
    clock: context.clock,
  });
}
