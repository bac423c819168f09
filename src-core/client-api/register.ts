/**
 * POST /_matrix/client/v3/register, GET /v3/register/available and
 * GET /v1/register/m.login.registration_token/validity.
 *
 * Registration goes through User-Interactive Auth with one single-stage flow chosen by policy:
 * `m.login.dummy` when open, `m.login.registration_token` when token-gated. As in Synapse, the
 * username is checked before UIA so the client learns of M_USER_IN_USE before any auth stage.
 */
import type { FastifyInstance } from 'fastify';
import { AccountService } from '../accounts/account-service';
import { UserInteractiveAuthSessions } from '../accounts/user-interactive-auth-sessions';
import type { HomeserverContext } from '../homeserver-context';
import { MatrixError, forbidden, invalidParam, missingParam } from '../http/matrix-error';
import { enforceAccountAuthRateLimit } from './account-auth-rate-limit';
import { readDeviceFields, readPassword } from './account-request-fields';
import type { BodyFields } from './request-body';
import { queryParam, readBody } from './request-body';
import { SingleStageAuth } from './single-stage-auth';

const DUMMY = 'm.login.dummy';
const REGISTRATION_TOKEN = 'm.login.registration_token';

function closedRegistration(): MatrixError {
  return forbidden('Registration is disabled on this homeserver');
}

export function registerRegister(app: FastifyInstance, context: HomeserverContext): void {
  const { config, accounts } = context;
  const registrationAuth = new SingleStageAuth(
    config.registration === 'token' ? REGISTRATION_TOKEN : DUMMY,
    new UserInteractiveAuthSessions(context.clock),
  );
  const checkStage = async (auth: BodyFields): Promise<MatrixError | undefined> => {
    if (registrationAuth.stage !== REGISTRATION_TOKEN) return undefined;
    const token = auth.optionalString('token');
    return token !== undefined && tokenIsValid(context, token)
      ? undefined
      : new MatrixError(401, 'M_FORBIDDEN', 'Invalid registration token');
  };

  app.post('/_matrix/client/v3/register', async (request, reply) => {
    enforceAccountAuthRateLimit(request, reply, context);
    const kind = queryParam(request, 'kind') ?? 'user';
    if (kind === 'guest') {
      throw new MatrixError(403, 'M_GUEST_ACCESS_FORBIDDEN', 'Guest access is not enabled');
    }
    if (kind !== 'user') throw invalidParam(`"kind" must be "user" or "guest", got "${kind}"`);
    if (config.registration === 'closed') throw closedRegistration();

    const body = readBody(request);
    const username = body.optionalString('username');
    const password = readPassword(body, false);
    const device = readDeviceFields(body);
    const inhibitLogin = body.optionalBoolean('inhibit_login') ?? false;
    body.optionalBoolean('refresh_token'); // accepted; we issue non-expiring tokens only
    const auth = body.optionalObject('auth');
    if (username !== undefined) accounts.checkUsernameAvailable(username);

    const outcome = await registrationAuth.attempt(auth, checkStage);
    if (outcome.kind === 'challenge') return reply.code(401).send(outcome.body);

    const { userId, session } = await accounts.register({
      username,
      password,
      inhibitLogin,
      ...device,
    });
    registrationAuth.finish(outcome.sessionId);
    if (!session) return { user_id: userId };
    return {
      user_id: userId,
      access_token: session.accessToken,
      device_id: session.deviceId,
      // Deprecated in the spec but still read by older clients.
      home_server: context.serverName,
    };
  });

  app.get('/_matrix/client/v3/register/available', async (request, reply) => {
    enforceAccountAuthRateLimit(request, reply, context);
    if (config.registration === 'closed') throw closedRegistration();
    const username = queryParam(request, 'username');
    if (username === undefined) throw missingParam('Missing query parameter "username"');
    accounts.checkUsernameAvailable(username);
    return { available: true };
  });

  // Spec: registration tokens module. Unauthenticated, so it is rate limited like /register.
  app.get(
    '/_matrix/client/v1/register/m.login.registration_token/validity',
    async (request, reply) => {
      enforceAccountAuthRateLimit(request, reply, context);
      if (config.registration !== 'token') throw closedRegistration();
      const token = queryParam(request, 'token');
      if (token === undefined) throw missingParam('Missing query parameter "token"');
      return { valid: tokenIsValid(context, token) };
    },
  );
}

function tokenIsValid(context: HomeserverContext, token: string): boolean {
  const expected = context.config.registrationToken;
  return expected !== undefined && AccountService.registrationTokenMatches(token, expected);
}
