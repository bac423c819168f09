/**
 * The desktop app's own settings (Electron only), shared by the main process, which keeps them in
 * a JSON file under userData, and the renderer's Settings screen. Types only.
 */
export interface DesktopSettings {
  /** The Matrix server name; null means `localhost:<port>`, as `npm run serve` does. */
  serverName: string | null;
  /** Address the one HTTPS port listens on: loopback unless other machines must reach it. */
  listenHost: string;
  port: number;
  /** PEM certificate and key to serve; both null means a self-signed pair in the data folder. */
  tlsCertificateFile: string | null;
  tlsKeyFile: string | null;
  /** As `--registration` of `npm run serve`. */
  registration: 'open' | 'closed' | 'token';
  /** Required when `registration` is `token`. */
  registrationToken: string | null;
  /** Where the database, keys and admin token live (an absolute path). */
  dataDir: string;
}

export type DesktopSettingName = keyof DesktopSettings;

export interface DesktopSettingsState {
  settings: DesktopSettings;
  /** What the running core was started with differs from `settings`: a restart applies them. */
  restartRequired: boolean;
  /** The settings whose new values wait for a restart. */
  pendingRestart: DesktopSettingName[];
  /** Why the core is not running (e.g. the port is taken), or null when it runs. */
  coreError: string | null;
}

/** Menu items that the renderer carries out (the main process does the others itself). */
export type DesktopAppCommand = 'join-room' | 'open-settings';
