/**
 * The desktop app's settings: a small JSON file in userData, turned into the same
 * HomeserverConfig `npm run serve` builds from its flags (by going through the very same parser),
 * so the desktop core and the headless one cannot disagree on what a setting means. The core
 * reads its config once at start, so a saved change waits for a restart; the state says which.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommandLine } from '../src-core/config/command-line';
import type { HomeserverConfig } from '../src-core/config/homeserver-config';
import { ConfigError, DEFAULT_PORT } from '../src-core/config/homeserver-config';
import { MatrixError } from '../src-core/http/matrix-error';
import type {
  DesktopSettingName,
  DesktopSettings,
  DesktopSettingsState,
} from '../renderer/src/transport/desktop-settings';

export const SETTINGS_FILE = 'skein-settings.json';

const SETTING_NAMES: readonly DesktopSettingName[] = [
  'serverName',
  'listenHost',
  'port',
  'tlsCertificateFile',
  'tlsKeyFile',
  'registration',
  'registrationToken',
  'dataDir',
];

export function defaultDesktopSettings(userDataDir: string): DesktopSettings {
  return {
    serverName: null,
    listenHost: '127.0.0.1',
    port: DEFAULT_PORT,
    tlsCertificateFile: null,
    tlsKeyFile: null,
    registration: 'open',
    registrationToken: null,
    dataDir: path.join(userDataDir, 'skein-data'),
  };
}

function invalid(message: string): MatrixError {
  return new MatrixError(400, 'M_INVALID_PARAM', `settings: ${message}`);
}

function stringOrNull(name: string, value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw invalid(`${name} must be a string or null`);
  // An emptied text field means "not set".
  return value.trim() === '' ? null : value.trim();
}

/** The `npm run serve` flags these settings stand for (also how they are validated). */
export function commandLineFor(settings: DesktopSettings): string[] {
  const host = settings.listenHost.includes(':') ? `[${settings.listenHost}]` : settings.listenHost;
  const args = [
    '--data-dir',
    settings.dataDir,
    '--listen',
    `${host}:${settings.port}`,
    '--registration',
    settings.registration,
  ];
  if (settings.serverName !== null) args.push('--server-name', settings.serverName);
  if (settings.registrationToken !== null)
    args.push('--registration-token', settings.registrationToken);
  if (settings.tlsCertificateFile !== null) args.push('--tls-cert', settings.tlsCertificateFile);
  if (settings.tlsKeyFile !== null) args.push('--tls-key', settings.tlsKeyFile);
  return args;
}

/** The core's config for these settings; throws ConfigError as `npm run serve` would. */
export function homeserverConfigFor(
  settings: DesktopSettings,
  logLevel: HomeserverConfig['logLevel'] = 'info',
): HomeserverConfig {
  const parsed = parseCommandLine(commandLineFor(settings), settings.dataDir);
  if (parsed.kind !== 'serve') throw new ConfigError('settings did not produce a server config');
  parsed.config.logLevel = logLevel;
  return parsed.config;
}

/** `base` with `changes` applied; throws MatrixError 400 M_INVALID_PARAM for anything unusable. */
export function applySettingChanges(base: DesktopSettings, changes: unknown): DesktopSettings {
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
    throw invalid('changes must be an object');
  }
  const input = changes as Record<string, unknown>;
  const unknown = Object.keys(input).filter(
    (key) => !(SETTING_NAMES as readonly string[]).includes(key),
  );
  if (unknown.length > 0) throw invalid(`unknown setting(s) ${unknown.join(', ')}`);
  const next: DesktopSettings = { ...base };
  if ('serverName' in input) next.serverName = stringOrNull('serverName', input['serverName']);
  if ('listenHost' in input) {
    const host = stringOrNull('listenHost', input['listenHost']);
    if (host === null) throw invalid('listenHost must not be empty');
    next.listenHost = host;
  }
  if ('port' in input) {
    const port = input['port'];
    if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
      throw invalid('port must be an integer from 1 to 65535');
    }
    next.port = port as number;
  }
  for (const name of ['tlsCertificateFile', 'tlsKeyFile', 'registrationToken'] as const) {
    if (name in input) next[name] = stringOrNull(name, input[name]);
  }
  if ('registration' in input) {
    const policy = input['registration'];
    if (policy !== 'open' && policy !== 'closed' && policy !== 'token') {
      throw invalid('registration must be open, closed or token');
    }
    next.registration = policy;
  }
  if ('dataDir' in input) {
    const dir = stringOrNull('dataDir', input['dataDir']);
    if (dir === null || !path.isAbsolute(dir)) throw invalid('dataDir must be an absolute path');
    next.dataDir = path.normalize(dir);
  }
  // The rest (server name grammar, TLS pair, token policy) is the CLI's own validation.
  try {
    homeserverConfigFor(next);
  } catch (error) {
    if (error instanceof ConfigError) throw invalid(error.message.replace(/^--/, ''));
    throw error;
  }
  return next;
}

export function changedSettings(a: DesktopSettings, b: DesktopSettings): DesktopSettingName[] {
  return SETTING_NAMES.filter((name) => a[name] !== b[name]);
}

export class DesktopSettingsStore {
  /** The settings the running core was started with (null before it was started). */
  private startedWith: DesktopSettings | null = null;
  private coreError: string | null = null;

  private constructor(
    readonly file: string,
    private settings: DesktopSettings,
  ) {}

  /**
   * Reads the file; settings missing from it take the defaults, and a file that cannot be used
   * (hand-edited into nonsense) is set aside so the app still starts (`problem` says why).
   */
  static open(
    file: string,
    defaults: DesktopSettings,
  ): { store: DesktopSettingsStore; problem: string | null } {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return { store: new DesktopSettingsStore(file, defaults), problem: null };
    }
    try {
      const saved = JSON.parse(text) as unknown;
      const known =
        typeof saved === 'object' && saved !== null && !Array.isArray(saved)
          ? Object.fromEntries(
              Object.entries(saved).filter(([key]) =>
                (SETTING_NAMES as readonly string[]).includes(key),
              ),
            )
          : saved;
      return {
        store: new DesktopSettingsStore(file, applySettingChanges(defaults, known)),
        problem: null,
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      renameSync(file, `${file}.unusable`);
      return {
        store: new DesktopSettingsStore(file, defaults),
        problem: `${file} could not be used (${reason}); it was renamed to ${path.basename(file)}.unusable and the defaults apply`,
      };
    }
  }

  get current(): DesktopSettings {
    return { ...this.settings };
  }

  /** Records what the core was started with, and why it failed if it did. */
  coreStarted(settings: DesktopSettings, error: string | null): void {
    this.startedWith = { ...settings };
    this.coreError = error;
  }

  state(): DesktopSettingsState {
    const pendingRestart =
      this.startedWith === null ? [] : changedSettings(this.startedWith, this.settings);
    return {
      settings: this.current,
      restartRequired: pendingRestart.length > 0,
      pendingRestart,
      coreError: this.coreError,
    };
  }

  update(changes: unknown): DesktopSettingsState {
    this.settings = applySettingChanges(this.settings, changes);
    mkdirSync(path.dirname(this.file), { recursive: true });
    // Write then rename, so a crash mid-write never leaves half a settings file.
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.settings, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
    return this.state();
  }
}
