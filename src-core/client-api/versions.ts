/** GET /_matrix/client/versions — spec versions we speak; reachable without authentication. */
import type { FastifyInstance } from 'fastify';

export const SUPPORTED_CLIENT_SPEC_VERSIONS = [
  'v1.1',
  'v1.2',
  'v1.3',
  'v1.4',
  'v1.5',
  'v1.6',
  'v1.7',
  'v1.8',
  'v1.9',
  'v1.10',
  'v1.11',
  'v1.12',
] as const;

export function registerVersions(app: FastifyInstance): void {
  app.get('/_matrix/client/versions', async () => ({
    versions: SUPPORTED_CLIENT_SPEC_VERSIONS,
    unstable_features: {},
  }));
}
