/**
 * The Electron main process: one instance per user, the homeserver core (the very same
 * `Homeserver` as `npm run serve`) started in-process with its data under userData, the admin
 * GUI in a sandboxed window that reaches the core only through the `window.skein` bridge, and a
 * graceful quit that lets resyncs reach a safe point and closes SQLite before the app exits.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import type { BrowserWindowConstructorOptions } from 'electron';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  screen,
  session,
  shell,
} from 'electron';
import { pino } from 'pino';
import { Homeserver } from '../src-core/homeserver';
import type { Logger } from '../src-core/logging/logger';
import { createLogger } from '../src-core/logging/logger';
import type { DesktopAppCommand } from '../renderer/src/transport/desktop-settings';
import { buildMenuTemplate } from './app-menu';
import {
  APP_CONTENT_SECURITY_POLICY,
  APP_SCHEME,
  APP_START_URL,
  contentTypeFor,
  isAppUrl,
  resolveAppAsset,
} from './app-protocol';
import {
  defaultDesktopSettings,
  DesktopSettingsStore,
  homeserverConfigFor,
  SETTINGS_FILE,
} from './desktop-settings-store';
import type { AdminIpc } from './ipc-handlers';
import { registerAdminIpc } from './ipc-handlers';
import { IPC_CHANNELS } from './ipc-channels';
import { pauseAllResyncs } from './pause-all-resyncs';
import { fitToDisplays, loadWindowState, saveWindowState } from './window-state';

/** A resync stops between events; if the core still has not stopped by then, quit anyway. */
const STOP_TIMEOUT_MS = 20_000;

app.setName('Skein');
// Tests (e2e/electron.e2e.ts) run the app against a scratch profile.
const userDataOverride = process.env['SKEIN_DESKTOP_USER_DATA'];
if (userDataOverride) app.setPath('userData', userDataOverride);
// Must happen before `ready`: a standard, secure scheme gets an origin, fetch and CSP like https.
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
  },
]);

const appRoot = app.getAppPath();
const rendererDist = path.join(appRoot, 'renderer', 'dist');
const preloadScript = path.join(appRoot, 'electron', 'dist', 'preload.cjs');
const logFile = path.join(app.getPath('logs'), 'skein.log');

let logger: Logger | undefined;
let homeserver: Homeserver | null = null;
let coreError: string | null = null;
let mainWindow: BrowserWindow | null = null;
let adminIpc: AdminIpc | undefined;
let quitting: 'no' | 'stopping' | 'done' = 'no';

function log(): Logger {
  logger ??= createLogger({
    level: 'info',
    destination: pino.destination({ dest: logFile, mkdir: true, sync: false }),
  });
  return logger;
}

function sendCommand(command: DesktopAppCommand): void {
  if (!mainWindow || mainWindow.isDestroyed()) return;
  mainWindow.show();
  mainWindow.webContents.send(IPC_CHANNELS.appCommand, command);
}

async function startCore(settings: DesktopSettingsStore): Promise<void> {
  const wanted = settings.current;
  try {
    homeserver = await Homeserver.start(homeserverConfigFor(wanted, 'info'), { logger: log() });
    coreError = null;
    log().info('desktop core ready', { base_url: homeserver.baseUrl, data_dir: wanted.dataDir });
  } catch (error) {
    coreError = error instanceof Error ? error.message : String(error);
    log().error('desktop core failed to start', { error: coreError });
    // The window still opens: its Settings screen is where a taken port gets changed.
    dialog.showErrorBox(
      'Skein could not start its server',
      `${coreError}\n\nChange the port or data folder under File → Settings…, then restart Skein.`,
    );
  }
  settings.coreStarted(wanted, coreError);
}

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppAsset(rendererDist, request.url);
    if (file === null) return new Response('Not found', { status: 404 });
    const headers = {
      'content-type': contentTypeFor(file),
      'content-security-policy': APP_CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
    };
    try {
      return new Response(await readFile(file), { headers });
    } catch {
      return new Response(
        `Not found: ${path.relative(appRoot, file)}. Build the GUI with npm run build:renderer.`,
        { status: 404, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' } },
      );
    }
  });
}

function createWindow(): BrowserWindow {
  const state = fitToDisplays(
    loadWindowState(app.getPath('userData')),
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const options: BrowserWindowConstructorOptions = {
    width: state.width,
    height: state.height,
    ...(state.x === undefined || state.y === undefined ? {} : { x: state.x, y: state.y }),
    minWidth: 640,
    minHeight: 480,
    title: 'Skein',
    show: false,
    webPreferences: {
      preload: preloadScript,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  };
  const window = new BrowserWindow(options);
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    saveWindowState(app.getPath('userData'), {
      ...window.getNormalBounds(),
      maximized: window.isMaximized(),
    });
  });
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  // The page never navigates away or opens windows; links to the web open in the browser.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  void window.loadURL(APP_START_URL);
  return window;
}

function installMenu(settings: DesktopSettingsStore): void {
  const menu = Menu.buildFromTemplate(
    buildMenuTemplate(
      {
        joinRoom: () => sendCommand('join-room'),
        openSettings: () => sendCommand('open-settings'),
        pauseAllResyncs: () => {
          if (homeserver === null) return;
          void pauseAllResyncs(homeserver.admin).then((paused) =>
            log().info('paused all resyncs from the menu', { rooms: paused.length }),
          );
        },
        openDataFolder: () => {
          void shell.openPath(homeserver?.config.dataDir ?? settings.current.dataDir);
        },
        showLogs: () => {
          void shell.openPath(logFile);
        },
      },
      process.platform,
    ),
  );
  Menu.setApplicationMenu(menu);
}

async function ready(): Promise<void> {
  const userData = app.getPath('userData');
  const { store: settings, problem } = DesktopSettingsStore.open(
    path.join(userData, SETTINGS_FILE),
    defaultDesktopSettings(userData),
  );
  if (problem !== null) log().warn('settings file set aside', { problem });

  // Nothing in the page needs a permission (camera, notifications, …): refuse them all.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
  serveRenderer();
  adminIpc = registerAdminIpc({
    ipcMain,
    admin: () => homeserver?.admin ?? null,
    unavailableReason: () => coreError ?? 'it is starting',
    settings,
    isTrustedSender: (event) => event.senderFrame !== null && isAppUrl(event.senderFrame.url),
    logger: log(),
  });
  installMenu(settings);
  // The window opens at once (the page shows the core's state); the core starts beside it.
  mainWindow = createWindow();
  await startCore(settings);
}

async function stopCore(): Promise<void> {
  adminIpc?.stopAcceptingWork();
  const running = homeserver;
  if (running === null) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log().warn('core did not stop in time; quitting anyway', { timeout_ms: STOP_TIMEOUT_MS });
      resolve();
    }, STOP_TIMEOUT_MS);
  });
  try {
    await Promise.race([running.stop(), timeout]);
  } catch (error) {
    log().error('core failed to stop cleanly', { error: String(error) });
  } finally {
    clearTimeout(timer);
  }
}

if (!app.requestSingleInstanceLock()) {
  // Another Skein owns the data folder and the port: it gets focus (below), this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow === null) mainWindow = createWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('before-quit', (event) => {
    if (quitting === 'done') return;
    event.preventDefault();
    if (quitting === 'stopping') return;
    quitting = 'stopping';
    void stopCore().finally(() => {
      quitting = 'done';
      adminIpc?.dispose();
      logger?.info('desktop app quitting');
      app.quit();
    });
  });

  // On macOS the server keeps running with no window, as apps there do; elsewhere closing quits.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (mainWindow === null && app.isReady()) mainWindow = createWindow();
  });
  // Ctrl+C in the terminal that ran `npm start` quits gracefully too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());

  app.whenReady().then(ready, (error: unknown) => {
    dialog.showErrorBox('Skein failed to start', String(error));
    app.exit(1);
  });
}
