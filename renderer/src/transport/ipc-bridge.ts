/**
 * The contract between the renderer and Electron's preload script. The preload exposes an object
 * of exactly this type as `window.skein` with `contextBridge.exposeInMainWorld('skein', …)`; each
 * method forwards to the main process's AdminService (e.g. over `ipcRenderer.invoke`) and
 * resolves to an IpcResult — never rejects for API errors — because Electron's IPC drops an
 * Error's own fields (status, errcode) when it crosses processes.
 */
import type { AdminApi, AdminStreamMessage } from '../../../src-core/admin-api/admin-api-types';
import type { DesktopAppCommand, DesktopSettings, DesktopSettingsState } from './desktop-settings';

export type IpcResult<T> =
  { ok: true; value: T } | { ok: false; status: number; errcode: string; error: string };

export type AdminMethodName = Exclude<keyof AdminApi, 'subscribe'>;

export type SkeinIpcBridge = {
  readonly [M in AdminMethodName]: (
    ...args: Parameters<AdminApi[M]>
  ) => Promise<IpcResult<Awaited<ReturnType<AdminApi[M]>>>>;
} & {
  /** Bumped when this contract changes, so a stale preload is reported instead of misbehaving. */
  readonly bridgeVersion: 2;
  /** Live stream: every AdminStreamMessage from the core; returns the unsubscribe function. */
  onStreamMessage(callback: (message: AdminStreamMessage) => void): () => void;
  /** Version 2: the desktop app's settings (server name, port, TLS, registration, data folder). */
  getSettings(): Promise<IpcResult<DesktopSettingsState>>;
  /** Validates and saves; the answer says which changes wait for a restart. */
  updateSettings(changes: Partial<DesktopSettings>): Promise<IpcResult<DesktopSettingsState>>;
  /** Version 2: menu items the renderer carries out ("Join room…", "Settings…"). */
  onAppCommand(callback: (command: DesktopAppCommand) => void): () => void;
};

export const IPC_BRIDGE_VERSION = 2;

/** The names the preload must implement (the main process can check against the same list). */
export const ADMIN_METHOD_NAMES: readonly AdminMethodName[] = [
  'serverInfo',
  'listRooms',
  'getRoom',
  'listEvents',
  'getEvent',
  'listStateResets',
  'pauseResync',
  'resumeResync',
  'stepResync',
  'setResyncThrottle',
  'joinRoom',
  'startDemo',
];

declare global {
  interface Window {
    skein?: SkeinIpcBridge;
  }
}
