import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MatrixError } from '../src-core/http/matrix-error';
import {
  applySettingChanges,
  commandLineFor,
  defaultDesktopSettings,
  DesktopSettingsStore,
  homeserverConfigFor,
  SETTINGS_FILE,
} from './desktop-settings-store';

const userData = (): string => mkdtempSync(path.join(tmpdir(), 'skein-settings-'));

function open(dir: string) {
  return DesktopSettingsStore.open(path.join(dir, SETTINGS_FILE), defaultDesktopSettings(dir));
}

describe('settings → the core’s config, through the CLI parser', () => {
  it('defaults to a loopback server on 8448 with its data under userData', () => {
    const config = homeserverConfigFor(defaultDesktopSettings('/home/u/.config/Skein'));
    expect(config.dataDir).toBe('/home/u/.config/Skein/skein-data');
    expect(config.serverName).toBe('localhost:8448');
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8448 });
    expect(config.registration).toBe('open');
    expect(config.tlsCertificateFile).toBeUndefined();
  });

  it('passes every setting as the flag `npm run serve` would take', () => {
    const settings = {
      ...defaultDesktopSettings('/u'),
      serverName: 'example.org',
      listenHost: '::1',
      port: 9000,
      tlsCertificateFile: '/certs/c.pem',
      tlsKeyFile: '/certs/k.pem',
      registration: 'token' as const,
      registrationToken: 's3cret',
    };
    expect(commandLineFor(settings)).toEqual([
      '--data-dir',
      '/u/skein-data',
      '--listen',
      '[::1]:9000',
      '--registration',
      'token',
      '--server-name',
      'example.org',
      '--registration-token',
      's3cret',
      '--tls-cert',
      '/certs/c.pem',
      '--tls-key',
      '/certs/k.pem',
    ]);
    const config = homeserverConfigFor(settings, 'warn');
    expect(config.listen).toEqual({ host: '::1', port: 9000 });
    expect(config.registrationToken).toBe('s3cret');
    expect(config.logLevel).toBe('warn');
  });
});

describe('applySettingChanges', () => {
  const base = defaultDesktopSettings('/u');
  const rejects = (changes: unknown, message: RegExp): void => {
    let caught: unknown;
    try {
      applySettingChanges(base, changes);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MatrixError);
    expect(caught).toMatchObject({ status: 400, errcode: 'M_INVALID_PARAM' });
    expect((caught as Error).message).toMatch(message);
  };

  it('rejects unusable values with M_INVALID_PARAM and says why', () => {
    rejects('port=1', /changes must be an object/);
    rejects({ colour: 'red' }, /unknown setting\(s\) colour/);
    rejects({ port: 0 }, /port must be an integer/);
    rejects({ port: 8448.5 }, /port must be an integer/);
    rejects({ registration: 'maybe' }, /registration must be/);
    rejects({ registration: 'token' }, /registration token needs/);
    rejects({ tlsCertificateFile: '/c.pem' }, /tls-cert and --tls-key must be given together/);
    rejects({ serverName: 'bad name!' }, /server-name/);
    rejects({ dataDir: 'relative/dir' }, /dataDir must be an absolute path/);
    rejects({ listenHost: '' }, /listenHost must not be empty/);
  });

  it('treats an emptied text field as unset and keeps the other settings', () => {
    const next = applySettingChanges(
      { ...base, serverName: 'example.org' },
      { serverName: '  ', port: 8449 },
    );
    expect(next).toEqual({ ...base, serverName: null, port: 8449 });
  });
});

describe('DesktopSettingsStore', () => {
  it('starts from the defaults without a file, persists updates, and reads them back', () => {
    const dir = userData();
    const { store, problem } = open(dir);
    expect(problem).toBeNull();
    expect(store.current).toEqual(defaultDesktopSettings(dir));
    store.update({ port: 8500, serverName: 'skein.example' });
    const saved = JSON.parse(readFileSync(path.join(dir, SETTINGS_FILE), 'utf8')) as unknown;
    expect(saved).toMatchObject({ port: 8500, serverName: 'skein.example' });
    expect(open(dir).store.current).toMatchObject({ port: 8500, serverName: 'skein.example' });
  });

  it('says a restart is needed exactly while saved settings differ from the running ones', () => {
    const { store } = open(userData());
    store.coreStarted(store.current, null);
    expect(store.state()).toMatchObject({ restartRequired: false, pendingRestart: [] });
    const changed = store.update({ port: 8600, registration: 'closed' });
    expect(changed.restartRequired).toBe(true);
    expect(changed.pendingRestart).toEqual(['port', 'registration']);
    // Putting a value back as it was needs no restart for it any more.
    const reverted = store.update({ port: 8448 });
    expect(reverted.pendingRestart).toEqual(['registration']);
    expect(store.update({ registration: 'open' }).restartRequired).toBe(false);
  });

  it('reports why the core did not start, so the page can offer the fix', () => {
    const { store } = open(userData());
    store.coreStarted(store.current, 'listen EADDRINUSE: address already in use 127.0.0.1:8448');
    expect(store.state().coreError).toMatch(/EADDRINUSE/);
    expect(store.update({ port: 8449 }).restartRequired).toBe(true);
  });

  it('rejects a bad update without saving anything', () => {
    const dir = userData();
    const { store } = open(dir);
    expect(() => store.update({ port: -1 })).toThrow(MatrixError);
    expect(existsSync(path.join(dir, SETTINGS_FILE))).toBe(false);
    expect(store.current.port).toBe(8448);
  });

  it('sets an unusable file aside and starts with the defaults', () => {
    const dir = userData();
    writeFileSync(path.join(dir, SETTINGS_FILE), '{"port": "eighty"}');
    const { store, problem } = open(dir);
    expect(store.current).toEqual(defaultDesktopSettings(dir));
    expect(problem).toMatch(/port must be an integer/);
    expect(existsSync(path.join(dir, `${SETTINGS_FILE}.unusable`))).toBe(true);
  });

  it('ignores settings it no longer knows in an old file', () => {
    const dir = userData();
    writeFileSync(path.join(dir, SETTINGS_FILE), '{"port": 8450, "theme": "dark"}');
    const { store, problem } = open(dir);
    expect(problem).toBeNull();
    expect(store.current.port).toBe(8450);
  });
});
