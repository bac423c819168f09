/**
 * POST /_matrix/client/v3/logout and /logout/all. Spec: logging out invalidates the token and
 * deletes its device; /logout/all does that for every device of the user. Bodies are ignored
 * (clients send `{}` or nothing).
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { authenticate } from './authenticate';

export function registerLogout(app: FastifyInstance, context: HomeserverContext): void {
  app.post('/_matrix/client/v3/logout', async (request) => {
    context.accounts.logout(authenticate(request, context));
    return {};
  });

  app.post('/_matrix/client/v3/logout/all', async (request) => {
    context.accounts.logoutAll(authenticate(request, context).userId);
    return {};
  });
}
