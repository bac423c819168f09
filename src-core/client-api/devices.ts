/**
 * GET /_matrix/client/v3/devices, GET/PUT /devices/{deviceId}. Deleting devices needs
 * User-Interactive Auth with the password and is not offered yet (logout covers one's own).
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import type { JsonObject } from '../rules/json';
import type { StoredDevice } from '../storage/account-store';
import { authenticate } from './authenticate';
import { pathParam, readBody } from './request-body';

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
}
