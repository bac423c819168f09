/**
 * GET /_matrix/client/v3/pushrules/ (and /pushrules/global/): the user's push rules, which for
 * now are always the server defaults (editing rules is not offered yet).
 */
import type { FastifyInstance } from 'fastify';
import { defaultPushRules } from '../accounts/default-push-rules';
import type { HomeserverContext } from '../homeserver-context';
import { authenticate } from './authenticate';

export function registerPushRules(app: FastifyInstance, context: HomeserverContext): void {
  // The spec path has a trailing slash; some clients drop it, and our router is strict.
  for (const path of ['/_matrix/client/v3/pushrules/', '/_matrix/client/v3/pushrules']) {
    app.get(path, async (request) => ({
      global: defaultPushRules(authenticate(request, context).userId),
    }));
  }
  app.get('/_matrix/client/v3/pushrules/global/', async (request) =>
    defaultPushRules(authenticate(request, context).userId),
  );
}
