/**
 * GET /_matrix/client/v3/profile/{userId}[/displayname|/avatar_url] and PUT of either field.
 * Only the two spec-defined fields are stored; other profile keys (v1.16 custom fields) are not
 * offered yet, so they fall through to M_UNRECOGNIZED. Remote profiles need a federation query,
 * which is not wired yet: they answer 404 like an unknown user.
 */
import type { FastifyInstance } from 'fastify';
import type { StoredProfile } from '../storage/account-store';
import type { HomeserverContext } from '../homeserver-context';
import { notFound } from '../http/matrix-error';
import type { JsonObject } from '../rules/json';
import { authenticate, requireSelf } from './authenticate';
import { pathParam, readBody } from './request-body';

const FIELDS = {
  displayname: 'displayName',
  avatar_url: 'avatarUrl',
} as const satisfies Record<string, keyof StoredProfile>;

function profileJson(profile: StoredProfile): JsonObject {
  return {
    ...(profile.displayName === null ? {} : { displayname: profile.displayName }),
    ...(profile.avatarUrl === null ? {} : { avatar_url: profile.avatarUrl }),
  };
}

export function registerProfile(app: FastifyInstance, context: HomeserverContext): void {
  const { accounts } = context;

  app.get('/_matrix/client/v3/profile/:userId', async (request) =>
    profileJson(accounts.getProfile(pathParam(request, 'userId'))),
  );

  for (const [key, field] of Object.entries(FIELDS)) {
    app.get(`/_matrix/client/v3/profile/:userId/${key}`, async (request) => {
      const userId = pathParam(request, 'userId');
      const value = accounts.getProfile(userId)[field];
      if (value === null) throw notFound(`${userId} has no ${key}`);
      return { [key]: value };
    });

    app.put(`/_matrix/client/v3/profile/:userId/${key}`, async (request) => {
      const requester = authenticate(request, context);
      const userId = pathParam(request, 'userId');
      requireSelf(requester, userId, `set the ${key}`);
      const value = readBody(request).nullableString(key);
      if (field === 'displayName') accounts.setDisplayName(userId, value);
      else accounts.setAvatarUrl(userId, value);
      return {};
    });
  }
}
