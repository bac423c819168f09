/**
 * Desktop only (shown when Electron's preload exposed `window.skein`): the app's settings —
 * server name, listen address and port, TLS certificate and key, registration, data folder.
 * Saving validates in the main process; the server reads settings only at start, so the screen
 * lists the saved changes that wait for a restart.
 */
import { useEffect, useState } from 'react';
import type {
  DesktopSettingName,
  DesktopSettings,
  DesktopSettingsState,
} from '../transport/desktop-settings';
import type { SkeinIpcBridge } from '../transport/ipc-bridge';

const LABELS: Record<DesktopSettingName, string> = {
  serverName: 'Server name',
  listenHost: 'Listen address',
  port: 'Port',
  tlsCertificateFile: 'TLS certificate file',
  tlsKeyFile: 'TLS key file',
  registration: 'Registration',
  registrationToken: 'Registration token',
  dataDir: 'Data folder',
};

const TEXT_FIELDS: DesktopSettingName[] = [
  'serverName',
  'listenHost',
  'tlsCertificateFile',
  'tlsKeyFile',
  'registrationToken',
  'dataDir',
];

type Draft = Record<DesktopSettingName, string>;

function toDraft(settings: DesktopSettings): Draft {
  const draft = {} as Draft;
  for (const name of Object.keys(LABELS) as DesktopSettingName[]) {
    draft[name] = settings[name] === null ? '' : String(settings[name]);
  }
  return draft;
}

export function SettingsScreen(props: { bridge: SkeinIpcBridge; onClose: () => void }) {
  const [state, setState] = useState<DesktopSettingsState | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void props.bridge.getSettings().then((result) => {
      if (!result.ok) return setError(result.error);
      setState(result.value);
      setDraft(toDraft(result.value.settings));
    });
  }, [props.bridge]);

  const save = async (): Promise<void> => {
    if (draft === null) return;
    setBusy(true);
    setError(null);
    const changes: Partial<DesktopSettings> = {
      serverName: draft.serverName,
      listenHost: draft.listenHost,
      port: Number(draft.port),
      tlsCertificateFile: draft.tlsCertificateFile,
      tlsKeyFile: draft.tlsKeyFile,
      registration: draft.registration as DesktopSettings['registration'],
      registrationToken: draft.registrationToken,
      dataDir: draft.dataDir,
    };
    const result = await props.bridge.updateSettings(changes);
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setState(result.value);
    setDraft(toDraft(result.value.settings));
  };

  return (
    <div className="dialog-backdrop">
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="settings-title"
        onKeyDown={(event) => {
          if (event.key === 'Escape') props.onClose();
        }}
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <h2 id="settings-title">Settings</h2>
          {state?.coreError && (
            <p role="alert" className="error">
              The server is not running: {state.coreError}
            </p>
          )}
          {draft !== null && (
            <>
              {TEXT_FIELDS.map((name) => (
                <div key={name}>
                  <label htmlFor={`setting-${name}`}>{LABELS[name]}</label>
                  <input
                    id={`setting-${name}`}
                    value={draft[name]}
                    placeholder={name === 'serverName' ? `localhost:${draft.port}` : ''}
                    onChange={(event) => setDraft({ ...draft, [name]: event.target.value })}
                  />
                </div>
              ))}
              <label htmlFor="setting-port">{LABELS.port}</label>
              <input
                id="setting-port"
                type="number"
                min={1}
                max={65535}
                value={draft.port}
                onChange={(event) => setDraft({ ...draft, port: event.target.value })}
              />
              <label htmlFor="setting-registration">{LABELS.registration}</label>
              <select
                id="setting-registration"
                value={draft.registration}
                onChange={(event) => setDraft({ ...draft, registration: event.target.value })}
              >
                <option value="open">open</option>
                <option value="closed">closed</option>
                <option value="token">token</option>
              </select>
            </>
          )}
          {state?.restartRequired && (
            <p role="status">
              Restart Skein to apply: {state.pendingRestart.map((n) => LABELS[n]).join(', ')}.
            </p>
          )}
          {error !== null && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <div className="dialog-buttons">
            <button type="button" onClick={props.onClose}>
              Close
            </button>
            <button type="submit" disabled={busy || draft === null}>
              {busy ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
