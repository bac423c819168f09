/**
 * GET/POST /_matrix/client/v3/login — password login only (`m.login.password`). The user is
 * named by an `m.id.user` identifier or, for old clients, the deprecated top-level `user` field.
 * The response carries exactly what the spec lists (`user_id`, `access_token`, `device_id`, plus
 * the deprecated `home_server` still read by older clients).
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { MatrixError } from '../http/matrix-error';
import { enforceAccountAuthRateLimit } from './account-auth-rate-limit';
import { readDeviceFields, readLoginUser, readPassword } from './account-request-fields';
import { readBody } from './request-body';

const PASSWORD_LOGIN = 'm.login.password';

function unknownLogin(message: string): MatrixError {
  return new MatrixError(400, 'M_UNKNOWN', message);
}

export function registerLogin(app: FastifyInstance, context: HomeserverContext): void {
  app.get('/_matrix/client/v3/login', async () => ({ flows: [{ type: PASSWORD_LOGIN }] }));

  app.post('/_matrix/client/v3/login', async (request, reply) => {
    enforceAccountAuthRateLimit(request, reply, context);
    const body = readBody(request);
    const type = body.requiredString('type');
    if (type !== PASSWORD_LOGIN) throw unknownLogin(`Login type "${type}" is not supported`);
    const user = readLoginUser(body);
    const password = readPassword(body, true);
    const device = readDeviceFields(body);
    body.optionalBoolean('refresh_token'); // accepted; we issue non-expiring tokens only
    const session = await context.accounts.loginWithPassword({ user, password, ...device });
    return {
      user_id: session.userId,
      access_token: session.accessToken,
      device_id: session.deviceId,
      home_server: context.serverName,
    };
  });
}
