/**
 * `m.device_list_update` and `m.signing_key_update` from another server (spec: server-server
 * "Device Management" and "Cross-signing"). We keep no remote device keys yet, so an update is
 * recorded as "this user's keys changed" for /sync's `device_lists.changed`; clients then query
 * keys themselves. The user must be the origin's. RemoteDeviceLists decides whether it shows
 * now or when a partial room's resync ends.
 */
import type { DeviceListChangeKind } from '../storage/device-list-store';
import { isUserOfOrigin } from './edu-origin-checks';
import type { InboundEduDeps } from './inbound-edu-deps';

function receive(
  deps: InboundEduDeps,
  origin: string,
  content: Record<string, unknown>,
  kind: DeviceListChangeKind,
  eduType: string,
): void {
  const userId = content['user_id'];
  const deviceId = content['device_id'];
  if (typeof userId !== 'string' || (kind === 'device' && typeof deviceId !== 'string')) {
    deps.log.debug(`ignoring malformed ${eduType}`, { origin });
    return;
  }
  if (!isUserOfOrigin(userId, origin)) {
    deps.log.debug(`ignoring ${eduType} for a user of another server`, { origin, user_id: userId });
    return;
  }
  const outcome = deps.remoteDeviceLists.received(origin, userId, kind);
  if (outcome === 'ignored') {
    deps.log.debug(`ignoring ${eduType} for a user sharing no room with us`, {
      origin,
      user_id: userId,
    });
  }
}

export function receiveDeviceListUpdateEdu(
  deps: InboundEduDeps,
  origin: string,
  content: Record<string, unknown>,
): void {
  receive(deps, origin, content, 'device', 'm.device_list_update');
}

export function receiveSigningKeyUpdateEdu(
  deps: InboundEduDeps,
  origin: string,
  content: Record<string, unknown>,
): void {
  receive(deps, origin, content, 'signing_key', 'm.signing_key_update');
}
