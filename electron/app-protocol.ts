/**
 * The page is served from the built renderer (renderer/dist) over a private `skein://app/`
 * scheme rather than file:// — file URLs would give every local file the page's origin, and the
 * build's asset URLs are absolute under /_skein/admin/ (the path the headless server serves it
 * at), which a custom origin resolves the same way. Every answer carries a strict CSP.
 */
import path from 'node:path';

export const APP_SCHEME = 'skein';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
/** The renderer build's base path (renderer/vite.config.ts `base`). */
export const APP_BASE_PATH = '/_skein/admin/';
export const APP_START_URL = `${APP_ORIGIN}${APP_BASE_PATH}`;

/**
 * No inline scripts or styles, nothing from the network: in the desktop app the page talks to
 * the core only over IPC. React sets styles through the CSSOM, which `style-src 'self'` allows.
 */
export const APP_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export { contentTypeFor } from '../src-core/http/content-types';

/**
 * The file under `distDir` that a `skein://app/…` URL names, or null for anything outside the
 * build. Paths without an extension are the page's own routes and get index.html.
 */
export function resolveAppAsset(distDir: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN) return null;
  if (!parsed.pathname.startsWith(APP_BASE_PATH)) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname.slice(APP_BASE_PATH.length));
  } catch {
    return null;
  }
  if (relative === '' || path.posix.extname(relative) === '') relative = 'index.html';
  const root = path.resolve(distDir);
  const file = path.resolve(root, relative);
  if (!file.startsWith(root + path.sep)) return null;
  return file;
}

/** Where a navigation may go: only our own pages (everything else is refused or opened outside). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}
