/** GET /_matrix/client/v3/account/whoami — who owns this access token. */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { authenticate } from './authenticate';

export function registerWhoami(app: FastifyInstance, context: HomeserverContext): void {
  app.get('/_matrix/client/v3/account/whoami', async (request) => {
    const { userId, deviceId } = authenticate(request, context);
    // We have no guest accounts, so is_guest is always false.
    return { user_id: userId, device_id: deviceId, is_guest: false };
  });
}
