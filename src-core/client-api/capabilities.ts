/**
 * GET /_matrix/client/v3/capabilities. Room versions come from the room-version registry; all
 * stable versions we implement are advertised as "stable".
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { DEFAULT_ROOM_VERSION, KNOWN_ROOM_VERSIONS } from '../rules/room-versions';
import { authenticate } from './authenticate';

export function registerCapabilities(app: FastifyInstance, context: HomeserverContext): void {
  app.get('/_matrix/client/v3/capabilities', async (request) => {
    authenticate(request, context);
    return {
      capabilities: {
        'm.change_password': { enabled: false },
        'm.room_versions': {
          default: DEFAULT_ROOM_VERSION,
          available: Object.fromEntries(KNOWN_ROOM_VERSIONS.map((v) => [v.id, 'stable'])),
        },
        'm.set_displayname': { enabled: true },
        'm.set_avatar_url': { enabled: true },
        'm.3pid_changes': { enabled: false },
        'm.get_login_token': { enabled: false },
      },
    };
  });
}
