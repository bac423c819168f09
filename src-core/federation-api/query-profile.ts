/**
 * GET /_matrix/federation/v1/query/profile?user_id=&field= — a local user's public profile
 * (server-server API "Query"). With `field`, only that field; fields the user has not set are
 * left out. A user that is not ours, or does not exist, is 404 M_NOT_FOUND.
 */
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { invalidParam, notFound } from '../http/matrix-error';
import type { JsonObject } from '../rules/json';
import { isValidUserId } from '../rules/identifiers/user-id';
import type { StoredProfile } from '../storage/account-store';
import { optionalQuery, requiredQuery } from './federation-request-params';

export const PROFILE_FIELDS = ['displayname', 'avatar_url'] as const;
type ProfileField = (typeof PROFILE_FIELDS)[number];

export interface QueryProfileDeps {
  accounts: {
    isLocalUserId(userId: string): boolean;
    /** Throws 404 M_NOT_FOUND for a user without a profile. */
    getProfile(userId: string): StoredProfile;
  };
  authenticate: preHandlerAsyncHookHandler;
}

function isProfileField(value: string): value is ProfileField {
  return (PROFILE_FIELDS as readonly string[]).includes(value);
}

export function registerQueryProfile(app: FastifyInstance, deps: QueryProfileDeps): void {
  app.get(
    '/_matrix/federation/v1/query/profile',
    { preHandler: deps.authenticate },
    async (request) => {
      const userId = requiredQuery(request, 'user_id');
      if (!isValidUserId(userId, 'historical')) {
        throw invalidParam(`${JSON.stringify(userId.slice(0, 300))} is not a user ID`);
      }
      const field = optionalQuery(request, 'field');
      if (field !== undefined && !isProfileField(field)) {
        throw invalidParam(`"field" must be one of ${PROFILE_FIELDS.join(', ')}`);
      }
      if (!deps.accounts.isLocalUserId(userId)) throw notFound(`${userId} is not a user here`);
      const profile = deps.accounts.getProfile(userId);
      const body: JsonObject = {};
      if (field !== 'avatar_url' && profile.displayName !== null) {
        body['displayname'] = profile.displayName;
      }
      if (field !== 'displayname' && profile.avatarUrl !== null) {
        body['avatar_url'] = profile.avatarUrl;
      }
      return body;
    },
  );
}
