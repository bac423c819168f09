/**
 * Picks the transport at startup: IPC when Electron's preload exposed `window.skein`, otherwise
 * HTTP + WebSocket to the server that served this page. Also where the browser's admin token
 * comes from: `?token=` (then removed from the address bar and kept for this tab only) or what
 * the person typed into the "Admin token" field.
 */
import type { AdminTransport } from './admin-transport';
import { HttpAdminTransport } from './http-admin-transport';
import { IpcAdminTransport } from './ipc-admin-transport';

export const TOKEN_STORAGE_KEY = 'skein-admin-token';

export function ipcBridgeAvailable(): boolean {
  return typeof window !== 'undefined' && window.skein !== undefined;
}

/** Moves a `?token=` from the URL into sessionStorage; returns the token to use, if any. */
export function takeTokenFromLocation(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    window.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    // Keeps the token out of history, bookmarks and screenshots of the address bar.
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return window.sessionStorage.getItem(TOKEN_STORAGE_KEY);
}

export function rememberToken(token: string): void {
  window.sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
}

export function forgetToken(): void {
  window.sessionStorage.removeItem(TOKEN_STORAGE_KEY);
}

export function createTransport(token: string | null): AdminTransport | null {
  if (window.skein !== undefined) return new IpcAdminTransport(window.skein);
  if (token === null) return null;
  return new HttpAdminTransport({ baseUrl: window.location.origin, token });
}
