/** GET /_matrix/federation/v1/version — unauthenticated, so peers can probe us. */
import type { FastifyInstance } from 'fastify';

export const SERVER_SOFTWARE = { name: 'Skein', version: '0.1.0' } as const;

export function registerFederationVersion(app: FastifyInstance): void {
  app.get('/_matrix/federation/v1/version', async () => ({ server: SERVER_SOFTWARE }));
}
