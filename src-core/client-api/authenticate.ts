/**
 * Access-token authentication for client API endpoints (spec: client-server API, "Using access
 * tokens"). Call it first thing in any handler that needs a logged-in user:
 *
 *   app.get('/_matrix/client/v3/account/whoami', async (request) => {
 *     const { userId, deviceId } = authenticate(request, context);
 *     ...
 *   });
 *
 * The token comes from `Authorization: Bearer <token>` or, deprecated but still allowed, the
 * `access_token` query parameter. Failures are thrown as MatrixErrors the HTTP layer answers:
 * 401 M_MISSING_TOKEN (none given) or 401 M_UNKNOWN_TOKEN with `soft_logout: false` (unknown or
 * logged out). Synchronous: the lookup is one indexed SQLite read of the token's SHA-256.
 */
import type { FastifyRequest } from 'fastify';
import type { Requester } from '../accounts/account-service';
import type { HomeserverContext } from '../homeserver-context';
import { MatrixError } from '../http/matrix-error';
import { queryParam } from './request-body';

export type { Requester } from '../accounts/account-service';

/** The access token the request carries, if any (header first, then query string). */
export function accessTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer +(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  return queryParam(request, 'access_token');
}

/** Who is calling; throws 401 M_MISSING_TOKEN / M_UNKNOWN_TOKEN otherwise. */
export function authenticate(request: FastifyRequest, context: HomeserverContext): Requester {
  const token = accessTokenOf(request);
  if (token === undefined || token === '') {
    throw new MatrixError(401, 'M_MISSING_TOKEN', 'Missing access token');
  }
  const requester = context.accounts.authenticateToken(token);
  if (!requester) {
    throw new MatrixError(401, 'M_UNKNOWN_TOKEN', 'Unrecognised access token', {
      soft_logout: false,
    });
  }
  return requester;
}

/**
 * For endpoints acting on `/user/{userId}/…` or `/profile/{userId}/…`: the path must name the
 * caller (spec: "The access token must be authorised to make requests for this user ID").
 */
export function requireSelf(requester: Requester, userId: string, action: string): void {
  if (requester.userId !== userId) {
    throw new MatrixError(403, 'M_FORBIDDEN', `Cannot ${action} for other users`);
  }
}
