/**
 * The application menu: the platform's usual roles (so copy/paste, zoom, full screen and the
 * macOS app menu behave as everywhere else) plus Skein's own actions. Built from plain
 * templates so it is tested without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface SkeinMenuActions {
  joinRoom(): void;
  pauseAllResyncs(): void;
  openDataFolder(): void;
  showLogs(): void;
  openSettings(): void;
}

export const SKEIN_MENU_LABELS = {
  joinRoom: 'Join room…',
  pauseAllResyncs: 'Pause all resyncs',
  openDataFolder: 'Open data folder',
  showLogs: 'Show logs',
  openSettings: 'Settings…',
} as const;

export function buildMenuTemplate(
  actions: SkeinMenuActions,
  platform: NodeJS.Platform,
): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const settingsItem: MenuItemConstructorOptions = {
    label: SKEIN_MENU_LABELS.openSettings,
    accelerator: 'CmdOrCtrl+,',
    click: () => actions.openSettings(),
  };
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    template.push({
      role: 'appMenu',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        settingsItem,
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push(
    {
      label: 'File',
      submenu: [
        {
          label: SKEIN_MENU_LABELS.joinRoom,
          accelerator: 'CmdOrCtrl+J',
          click: () => actions.joinRoom(),
        },
        { type: 'separator' },
        { label: SKEIN_MENU_LABELS.openDataFolder, click: () => actions.openDataFolder() },
        { label: SKEIN_MENU_LABELS.showLogs, click: () => actions.showLogs() },
        ...(isMac ? [] : [{ type: 'separator' } as const, settingsItem]),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'Resync',
      submenu: [
        {
          label: SKEIN_MENU_LABELS.pauseAllResyncs,
          accelerator: 'CmdOrCtrl+Shift+P',
          click: () => actions.pauseAllResyncs(),
        },
      ],
    },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  );
  return template;
}
