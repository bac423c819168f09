/** Entry point: one store, one transport (IPC in Electron, HTTP + WebSocket in a browser). */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import type { Theme } from './state/admin-store';
import { createAdminStore } from './state/admin-store';
import { AdminStoreProvider } from './state/store-context';
import './styles.css';

const THEME_KEY = 'skein-admin-theme';

function initialTheme(): Theme {
  const saved = window.localStorage.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

const store = createAdminStore({ initialTheme: initialTheme() });
store.subscribe((state, previous) => {
  if (state.theme !== previous.theme) window.localStorage.setItem(THEME_KEY, state.theme);
});

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AdminStoreProvider store={store}>
      <App />
    </AdminStoreProvider>
  </StrictMode>,
);
