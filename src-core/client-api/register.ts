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
import type { JsonObject } from '../rules/json';
import { enforceAccountAuthRateLimit } from './account-auth-rate-limit';
import { readDeviceFields, readPassword } from './account-request-fields';
import type { BodyFields } from './request-body';
import { queryParam, readBody } from './request-body';

const DUMMY = 'm.login.dummy';
const REGISTRATION_TOKEN = 'm.login.registration_token';

function closedRegistration(): MatrixError {
  return forbidden('Registration is disabled on this homeserver');
}

export function registerRegister(app: FastifyInstance, context: HomeserverContext): void {
  const { config, accounts } = context;
  const registrationAuth = new RegistrationAuth(
    context,
    new UserInteractiveAuthSessions(context.clock),
  );

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

    const stage = config.registration === 'token' ? REGISTRATION_TOKEN : DUMMY;
    const outcome = registrationAuth.attempt(stage, auth);
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

type UiaOutcome = { kind: 'done'; sessionId: string } | { kind: 'challenge'; body: JsonObject };

/** The single-stage User-Interactive Auth of /register. */
class RegistrationAuth {
  constructor(
    private readonly context: HomeserverContext,
    private readonly sessions: UserInteractiveAuthSessions,
  ) {}

  private challenge(stage: string, sessionId: string, error?: MatrixError): UiaOutcome {
    return {
      kind: 'challenge',
      body: {
        ...(error ? error.toJson() : {}),
        flows: [{ stages: [stage] }],
        params: {},
        session: sessionId,
        completed: this.sessions.completedStages(sessionId),
      },
    };
  }

  attempt(stage: string, auth: BodyFields | undefined): UiaOutcome {
    const sessions = this.sessions;
    // Spec: a UIA endpoint never succeeds without auth, even when the only stage is dummy.
    if (!auth) return this.challenge(stage, sessions.create());
    const given = auth.optionalString('session');
    if (given !== undefined && !sessions.has(given)) {
      throw new MatrixError(400, 'M_UNKNOWN', `Unknown UIA session "${given}"`);
    }
    // Like Synapse, an auth dict without a session starts one (clients that skip the 401).
    const sessionId = given ?? sessions.create();
    const type = auth.optionalString('type');
    if (type === undefined) {
      // A retry with just the session: done if the stage was completed earlier.
      return sessions.completedStages(sessionId).includes(stage)
        ? { kind: 'done', sessionId }
        : this.challenge(stage, sessionId);
    }
    if (type !== stage) {
      return this.challenge(
        stage,
        sessionId,
        new MatrixError(401, 'M_UNRECOGNIZED', `Auth type "${type}" is not offered here`),
      );
    }
    if (stage === REGISTRATION_TOKEN) {
      const token = auth.optionalString('token');
      if (token === undefined || !tokenIsValid(this.context, token)) {
        return this.challenge(
          stage,
          sessionId,
          new MatrixError(401, 'M_FORBIDDEN', 'Invalid registration token'),
        );
      }
    }
    sessions.completeStage(sessionId, stage);
    return { kind: 'done', sessionId };
  }

  finish(sessionId: string): void {
    this.sessions.finish(sessionId);
  }
}
