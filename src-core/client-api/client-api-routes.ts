/** Every client-server API route, one module per endpoint or endpoint family. */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { registerVersions } from './versions';

export function registerClientApi(app: FastifyInstance, _context: HomeserverContext): void {
  registerVersions(app);
}
