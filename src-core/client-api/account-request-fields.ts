/** Body fields shared by /register and /login, checked the same way in both. */
import { MAX_DEVICE_ID_LENGTH, MAX_PASSWORD_LENGTH } from '../accounts/account-service';
import { invalidParam } from '../http/matrix-error';
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
