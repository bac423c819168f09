/**
 * IPC channel names, shared by the preload (renderer side) and the main process. One `invoke`
 * channel per admin method keeps each handler's argument check next to its method.
 */
import type { AdminMethodName } from '../renderer/src/transport/ipc-bridge';

const PREFIX = 'skein:';

export function adminChannel(method: AdminMethodName): string {
  return `${PREFIX}admin:${method}`;
}

export const IPC_CHANNELS = {
  /** renderer → main (`send`): `true` when the page starts listening to the stream, `false` when it stops. */
  streamSubscription: `${PREFIX}stream:subscription`,
  /** main → renderer: one AdminStreamMessage per message. */
  streamMessage: `${PREFIX}stream:message`,
  /** main → renderer: a DesktopAppCommand from the application menu. */
  appCommand: `${PREFIX}app:command`,
  getSettings: `${PREFIX}settings:get`,
  updateSettings: `${PREFIX}settings:update`,
} as const;
