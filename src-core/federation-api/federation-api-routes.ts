/** Every federation API route, one module per endpoint. */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { registerFederationVersion } from './version';

export function registerFederationApi(app: FastifyInstance, _context: HomeserverContext): void {
  registerFederationVersion(app);
}
