/**
 * The main process's half of the `window.skein` bridge: one `ipcMain.handle` per admin method,
 * each checking its arguments and answering an IpcResult (Electron's IPC keeps only an Error's
 * message, so status and errcode travel as data); the settings methods; and the admin stream
 * forwarded to each page that listens. Electron enters only through the `ipcMain`-like object
 * passed in, so tests drive these handlers with a fake one against a real core.
 */
import type { AdminApi, AdminStreamMessage } from '../src-core/admin-api/admin-api-types';
import { MatrixError } from '../src-core/http/matrix-error';
import type { Logger } from '../src-core/logging/logger';
import type { DesktopSettingsState } from '../renderer/src/transport/desktop-settings';
import type { IpcResult } from '../renderer/src/transport/ipc-bridge';
import { ADMIN_METHOD_NAMES } from '../renderer/src/transport/ipc-bridge';
import { ADMIN_ARGUMENT_CHECKS } from './ipc-arguments';
import { adminChannel, IPC_CHANNELS } from './ipc-channels';

/** The part of Electron's WebContents used here. */
export interface WebContentsLike {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

/** The part of IpcMainEvent / IpcMainInvokeEvent used here. */
export interface IpcEventLike {
  readonly sender: WebContentsLike;
  /** The frame that sent the message (null once it navigated away or was destroyed). */
  readonly senderFrame: { readonly url: string } | null;
}

/** The part of Electron's `ipcMain` used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeListener(
    channel: string,
    listener: (event: IpcEventLike, ...args: unknown[]) => void,
  ): unknown;
}

/** The settings behind getSettings / updateSettings (the main process's DesktopSettingsStore). */
export interface SettingsEndpoint {
  state(): DesktopSettingsState;
  /** Throws MatrixError 400 for settings that cannot be used. */
  update(changes: unknown): DesktopSettingsState;
}

export interface AdminIpcOptions {
  ipcMain: IpcMainLike;
  /** The running core's admin API; null while it is not running (it failed to start). */
  admin: () => AdminApi | null;
  /** Why `admin()` is null, for the error the page shows. */
  unavailableReason: () => string;
  settings: SettingsEndpoint;
  /** Only our own pages may use the bridge (Electron security checklist: validate the sender). */
  isTrustedSender: (event: IpcEventLike) => boolean;
  logger: Logger;
}

export interface AdminIpc {
  /** Graceful quit, step one: every later call answers 503 and the stream stops. */
  stopAcceptingWork(): void;
  /** Removes every handler and listener (the window is gone or tests are done). */
  dispose(): void;
}

export function ipcError(error: unknown, logger: Logger, method: string): IpcResult<never> {
  if (error instanceof MatrixError) {
    return { ok: false, status: error.status, errcode: error.errcode, error: error.message };
  }
  // Anything else is a bug in the core: the page gets the message, the log the stack.
  logger.error('admin IPC method failed', {
    method,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  return {
    ok: false,
    status: 500,
    errcode: 'M_UNKNOWN',
    error: `${method}: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/** Thrown inside a handler when the core is not running; answered 503 M_UNAVAILABLE. */
class CoreUnavailable extends Error {}

const forbidden = (method: string): IpcResult<never> => ({
  ok: false,
  status: 403,
  errcode: 'M_FORBIDDEN',
  error: `${method}: only Skein's own pages may use the admin bridge`,
});

export function registerAdminIpc(options: AdminIpcOptions): AdminIpc {
  const { ipcMain, logger } = options;
  let accepting = true;
  const channels: string[] = [];
  /** Stream subscriptions by WebContents id. */
  const streams = new Map<number, () => void>();

  const unavailable = (method: string): IpcResult<never> => ({
    ok: false,
    status: 503,
    errcode: 'M_UNAVAILABLE',
    error: accepting
      ? `${method}: the Skein core is not running: ${options.unavailableReason()}`
      : `${method}: Skein is shutting down`,
  });

  const handle = (
    channel: string,
    method: string,
    run: (args: readonly unknown[]) => unknown,
  ): void => {
    ipcMain.handle(channel, async (event, ...args): Promise<IpcResult<unknown>> => {
      if (!options.isTrustedSender(event)) return forbidden(method);
      if (!accepting) return unavailable(method);
      try {
        return { ok: true, value: await run(args) };
      } catch (error) {
        if (error instanceof CoreUnavailable) return unavailable(method);
        return ipcError(error, logger, method);
      }
    });
    channels.push(channel);
  };

  for (const method of ADMIN_METHOD_NAMES) {
    handle(adminChannel(method), method, (args) => {
      const checked = ADMIN_ARGUMENT_CHECKS[method](args);
      const admin = options.admin();
      if (admin === null) throw new CoreUnavailable();
      // The checker returns exactly Parameters<AdminApi[method]>; TypeScript cannot follow the
      // correlation through the indexed access, hence the one cast.
      return (admin[method] as (...a: unknown[]) => Promise<unknown>)(...checked);
    });
  }
  // Settings work while the core is down: that is how a taken port gets fixed.
  handle(IPC_CHANNELS.getSettings, 'getSettings', () => options.settings.state());
  handle(IPC_CHANNELS.updateSettings, 'updateSettings', (args) => {
    if (args.length !== 1) {
      throw new MatrixError(400, 'M_INVALID_PARAM', 'updateSettings: expects 1 argument');
    }
    return options.settings.update(args[0]);
  });

  const unsubscribe = (webContentsId: number): void => {
    streams.get(webContentsId)?.();
    streams.delete(webContentsId);
  };

  const onSubscription = (event: IpcEventLike, wanted: unknown): void => {
    if (!options.isTrustedSender(event) || typeof wanted !== 'boolean') return;
    const target = event.sender;
    if (!wanted) return unsubscribe(target.id);
    const admin = options.admin();
    if (!accepting || admin === null || streams.has(target.id)) return;
    const stop = admin.subscribe((message: AdminStreamMessage) => {
      if (target.isDestroyed()) return unsubscribe(target.id);
      target.send(IPC_CHANNELS.streamMessage, message);
    });
    streams.set(target.id, stop);
    target.once('destroyed', () => unsubscribe(target.id));
  };
  ipcMain.on(IPC_CHANNELS.streamSubscription, onSubscription);

  const stopStreams = (): void => {
    for (const id of [...streams.keys()]) unsubscribe(id);
  };

  return {
    stopAcceptingWork() {
      accepting = false;
      stopStreams();
    },
    dispose() {
      accepting = false;
      stopStreams();
      for (const channel of channels) ipcMain.removeHandler(channel);
      ipcMain.removeListener(IPC_CHANNELS.streamSubscription, onSubscription);
    },
  };
}
