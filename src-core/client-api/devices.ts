/**
 * GET /_matrix/client/v3/devices, GET/PUT/DELETE /devices/{deviceId} and POST /delete_devices.
 * Deleting devices logs them out, so it needs User-Interactive Auth with the account password
 * (`m.login.password`), as in Synapse.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { UserInteractiveAuthSessions } from '../accounts/user-interactive-auth-sessions';
import type { HomeserverContext } from '../homeserver-context';
import type { JsonObject } from '../rules/json';
import type { StoredDevice } from '../storage/account-store';
import { MatrixError, badJson, missingParam } from '../http/matrix-error';
import { readLoginUser } from './account-request-fields';
import { authenticate } from './authenticate';
import type { Requester } from './authenticate';
import type { BodyFields } from './request-body';
import { pathParam, readBody, readOptionalBody } from './request-body';
import { SingleStageAuth } from './single-stage-auth';

/** Spec "Device" object; `last_seen_ip` is omitted because we do not keep client IPs. */
function deviceJson(device: StoredDevice): JsonObject {
  return {
    device_id: device.deviceId,
    ...(device.displayName === null ? {} : { display_name: device.displayName }),
    ...(device.lastSeenTs === null ? {} : { last_seen_ts: device.lastSeenTs }),
  };
}

export function registerDevices(app: FastifyInstance, context: HomeserverContext): void {
  const { accounts } = context;

  app.get('/_matrix/client/v3/devices', async (request) => {
    const { userId } = authenticate(request, context);
    return { devices: accounts.listDevices(userId).map(deviceJson) };
  });

  app.get('/_matrix/client/v3/devices/:deviceId', async (request) => {
    const { userId } = authenticate(request, context);
    return deviceJson(accounts.getDevice(userId, pathParam(request, 'deviceId')));
  });

  app.put('/_matrix/client/v3/devices/:deviceId', async (request) => {
    const { userId } = authenticate(request, context);
    const body = readBody(request);
    // Spec: display_name is optional; without it the device is left unchanged (but must exist).
    const deviceId = pathParam(request, 'deviceId');
    if (Object.hasOwn(body.object, 'display_name')) {
      accounts.renameDevice(userId, deviceId, body.nullableString('display_name'));
    } else {
      accounts.getDevice(userId, deviceId);
    }
    return {};
  });

  const passwordAuth = new SingleStageAuth(
    'm.login.password',
    new UserInteractiveAuthSessions(context.clock),
  );
  const deleteWithAuth = async (
    requester: Requester,
    body: BodyFields,
    deviceIds: string[],
    reply: FastifyReply,
  ): Promise<unknown> => {
    const outcome = await passwordAuth.attempt(body.optionalObject('auth'), async (auth) => {
      const user = readLoginUser(auth);
      const password = auth.requiredString('password');
      return (await accounts.confirmPassword(requester.userId, user, password))
        ? undefined
        : new MatrixError(401, 'M_FORBIDDEN', 'Invalid password');
    });
    if (outcome.kind === 'challenge') return reply.code(401).send(outcome.body);
    accounts.deleteDevices(requester.userId, deviceIds);
    passwordAuth.finish(outcome.sessionId);
    return {};
  };

  app.delete('/_matrix/client/v3/devices/:deviceId', async (request, reply) => {
    const requester = authenticate(request, context);
    const body = readOptionalBody(request);
    return deleteWithAuth(requester, body, [pathParam(request, 'deviceId')], reply);
  });

  app.post('/_matrix/client/v3/delete_devices', async (request, reply) => {
    const requester = authenticate(request, context);
    const body = readBody(request);
    const devices = body.object.devices;
    if (devices === undefined) throw missingParam('Missing required field "devices"');
    if (!Array.isArray(devices) || !devices.every((id) => typeof id === 'string')) {
      throw badJson('"devices" must be an array of strings');
    }
    return deleteWithAuth(requester, body, devices as string[], reply);
  });
}
