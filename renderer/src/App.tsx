/**
 * The admin GUI's frame: token prompt until connected, then rooms on the left, the DAG with its
 * event list in the middle, the inspector on the right, resync and resets below, status at the
 * bottom.
 */
import { useEffect, useState } from 'react';
import { DagScreen } from './screens/DagScreen';
import { DesktopMenuCommands } from './screens/desktop-menu-commands';
import { InspectorPanel } from './screens/InspectorPanel';
import { ResetTimeline } from './screens/ResetTimeline';
import { ResyncPanel } from './screens/ResyncPanel';
import { RoomsScreen } from './screens/RoomsScreen';
import { StatusBar } from './screens/StatusBar';
import { TokenPrompt } from './screens/TokenPrompt';
import { syncLocationHash } from './state/location-hash';
import { useAdmin, useAdminStore } from './state/store-context';
import {
  createTransport,
  forgetToken,
  ipcBridgeAvailable,
  rememberToken,
  takeTokenFromLocation,
} from './transport/choose-transport';

export function App() {
  const store = useAdminStore();
  const theme = useAdmin((s) => s.theme);
  const connected = useAdmin((s) => s.transport !== null);
  const authError = useAdmin((s) => s.authError);
  const notice = useAdmin((s) => s.notice);
  const [needsToken, setNeedsToken] = useState(false);

  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);

  useEffect(() => syncLocationHash(store), [store]);

  useEffect(() => {
    const transport = createTransport(ipcBridgeAvailable() ? null : takeTokenFromLocation());
    if (transport === null) setNeedsToken(true);
    else void store.getState().connect(transport);
    return () => store.getState().disconnect();
  }, [store]);

  useEffect(() => {
    if (authError !== null && !ipcBridgeAvailable()) {
      forgetToken();
      store.getState().disconnect();
      setNeedsToken(true);
    }
  }, [authError, store]);

  const submitToken = (token: string): void => {
    rememberToken(token);
    const transport = createTransport(token);
    if (transport === null) return;
    setNeedsToken(false);
    void store.getState().connect(transport);
  };

  if (needsToken || (!connected && authError !== null)) {
    return <TokenPrompt error={authError} onSubmit={submitToken} />;
  }

  return (
    <div className="app">
      {window.skein && <DesktopMenuCommands bridge={window.skein} />}
      <header className="app-header">
        <h1>Skein admin</h1>
        <button
          type="button"
          aria-label={theme === 'dark' ? 'Use light theme' : 'Use dark theme'}
          onClick={() => store.getState().setTheme(theme === 'dark' ? 'light' : 'dark')}
        >
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </header>
      {notice !== null && (
        <div className="notice" role="alert">
          <span>{notice}</span>
          <button
            type="button"
            aria-label="Dismiss message"
            onClick={() => store.getState().setNotice(null)}
          >
            ×
          </button>
        </div>
      )}
      <aside className="app-rooms">
        <RoomsScreen />
      </aside>
      <main className="app-dag">
        <DagScreen />
      </main>
      <aside className="app-inspector">
        <InspectorPanel />
      </aside>
      <section className="app-bottom">
        <ResyncPanel />
        <ResetTimeline />
      </section>
      <footer className="app-status">
        <StatusBar />
      </footer>
    </div>
  );
}
