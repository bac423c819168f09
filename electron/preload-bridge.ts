/**
 * Builds the `window.skein` object (SkeinIpcBridge) from an `ipcRenderer`-like object: one
 * `invoke` per admin method, the settings calls, and the stream and menu commands delivered to
 * the page's callbacks. Nothing of Electron or Node is handed to the page, only these functions
 * (contextBridge copies them across the isolation boundary).
 */
import type { AdminStreamMessage } from '../src-core/admin-api/admin-api-types';
import type { DesktopAppCommand } from '../renderer/src/transport/desktop-settings';
import type { IpcResult, SkeinIpcBridge } from '../renderer/src/transport/ipc-bridge';
import { ADMIN_METHOD_NAMES, IPC_BRIDGE_VERSION } from '../renderer/src/transport/ipc-bridge';
import { adminChannel, IPC_CHANNELS } from './ipc-channels';

/** The part of Electron's `ipcRenderer` the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** Turns a failed invoke (the main process threw, or no handler) into an IpcResult too. */
async function invoke(
  ipc: IpcRendererLike,
  channel: string,
  args: unknown[],
): Promise<IpcResult<never>> {
  try {
    return (await ipc.invoke(channel, ...args)) as IpcResult<never>;
  } catch (error) {
    return {
      ok: false,
      status: 500,
      errcode: 'M_UNKNOWN',
      error: `${channel}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

export function createSkeinBridge(ipc: IpcRendererLike): SkeinIpcBridge {
  const streamCallbacks = new Set<(message: AdminStreamMessage) => void>();
  const onStream = (_event: unknown, message: unknown): void => {
    for (const callback of streamCallbacks) callback(message as AdminStreamMessage);
  };

  const methods = Object.fromEntries(
    ADMIN_METHOD_NAMES.map((method) => [
      method,
      (...args: unknown[]) => invoke(ipc, adminChannel(method), args),
    ]),
  );

  return {
    ...(methods as Pick<SkeinIpcBridge, (typeof ADMIN_METHOD_NAMES)[number]>),
    bridgeVersion: IPC_BRIDGE_VERSION,
    getSettings: () => invoke(ipc, IPC_CHANNELS.getSettings, []),
    updateSettings: (changes) => invoke(ipc, IPC_CHANNELS.updateSettings, [changes]),
    onStreamMessage(callback) {
      streamCallbacks.add(callback);
      // The main process subscribes to the core only while some page callback listens.
      if (streamCallbacks.size === 1) {
        ipc.on(IPC_CHANNELS.streamMessage, onStream);
        ipc.send(IPC_CHANNELS.streamSubscription, true);
      }
      return () => {
        if (!streamCallbacks.delete(callback) || streamCallbacks.size > 0) return;
        ipc.send(IPC_CHANNELS.streamSubscription, false);
        ipc.removeListener(IPC_CHANNELS.streamMessage, onStream);
      };
    },
    onAppCommand(callback) {
      const listener = (_event: unknown, command: unknown): void =>
        callback(command as DesktopAppCommand);
      ipc.on(IPC_CHANNELS.appCommand, listener);
      return () => {
        ipc.removeListener(IPC_CHANNELS.appCommand, listener);
      };
    },
  };
}
