/** Body fields shared by /register and /login, checked the same way in both. */
import { MAX_DEVICE_ID_LENGTH, MAX_PASSWORD_LENGTH } from '../accounts/account-service';
import { MatrixError, invalidParam, missingParam } from '../http/matrix-error';
import type { BodyFields } from './request-body';

/** Common checks of the optional device fields of /register and /login. */
export function readDeviceFields(body: BodyFields): {
  deviceId: string | undefined;
  initialDeviceDisplayName: string | undefined;
} {
  const deviceId = body.optionalString('device_id');
  if (deviceId !== undefined && (deviceId === '' || deviceId.length > MAX_DEVICE_ID_LENGTH)) {
    throw invalidParam(`"device_id" must be 1 to ${MAX_DEVICE_ID_LENGTH} characters`);
  }
  return {
    deviceId,
    initialDeviceDisplayName: body.optionalString('initial_device_display_name'),
  };
}

export function readPassword(body: BodyFields, required: true): string;
export function readPassword(body: BodyFields, required: false): string | undefined;
export function readPassword(body: BodyFields, required: boolean): string | undefined {
  const password = required ? body.requiredString('password') : body.optionalString('password');
  if (password !== undefined && password.length > MAX_PASSWORD_LENGTH) {
    throw invalidParam(`"password" is longer than ${MAX_PASSWORD_LENGTH} characters`);
  }
  return password;
}

/**
 * The `user` named by an `m.id.user` identifier or the deprecated top-level `user` field (in
 * /login bodies and `m.login.password` UIA auth dicts).
 */
export function readLoginUser(body: BodyFields): string {
  const identifier = body.optionalObject('identifier');
  if (identifier) {
    const type = identifier.requiredString('type');
    if (type !== 'm.id.user') {
      throw new MatrixError(400, 'M_UNKNOWN', `Login identifier type "${type}" is not supported`);
    }
    return identifier.requiredString('user');
  }
  const legacyUser = body.optionalString('user');
  if (legacyUser !== undefined) return legacyUser;
  throw missingParam('Missing "identifier" (or the deprecated "user" field)');
}
