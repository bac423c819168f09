/**
 * Serves the built admin GUI (renderer/dist) at /_skein/admin/ on the one HTTPS port: the same
 * loopback / Host / Origin checks as the admin API, but no token — a navigation cannot carry a
 * Bearer header, so the page itself takes the token (`?token=` or the "Admin token" field) and
 * sends it on every API call. Hashed assets are cached for good; index.html answers every other
 * path so the page can have its own routes. Nothing outside the dist directory is reachable.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MatrixError, unrecognized } from '../http/matrix-error';
import type { AdminAccessPolicy } from './admin-access';
import { checkAdminPeer } from './admin-access';
import { contentTypeFor } from '../http/content-types';
import { ADMIN_API_PREFIX } from './admin-http-routes';

export const ADMIN_UI_PREFIX = '/_skein/admin';

/** renderer/dist beside src-core in the repository (npm run build:renderer writes it). */
export const DEFAULT_ADMIN_UI_DIR = fileURLToPath(new URL('../../renderer/dist', import.meta.url));

/**
 * No inline script or style anywhere (React sets styles through the CSSOM, which CSP allows);
 * the API and its WebSocket are on this very origin. no-referrer: the first URL may carry
 * `?token=` until the page removes it.
 */
function securityHeaders(request: FastifyRequest): Record<string, string> {
  const host = request.headers.host ?? '';
  return {
    'content-security-policy': [
      "default-src 'self'",
      `connect-src 'self' wss://${host}`,
      "img-src 'self' data: blob:",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'self'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
}

const MISSING_BUILD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Skein admin: not built</title></head>
<body><h1>The admin GUI is not built yet</h1>
<p>Run <code>npm run build:renderer</code> (or start the server with <code>npm run serve</code>,
which builds it when needed), then reload this page.</p></body></html>
`;

/** The file under `root` a URL path names, or undefined if it would leave `root`. */
export function resolveUiFile(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  return file === root || file.startsWith(`${root}${path.sep}`) ? file : undefined;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

export function registerAdminUi(
  app: FastifyInstance,
  deps: { policy: AdminAccessPolicy; distDir?: string },
): void {
  const root = path.resolve(deps.distDir ?? DEFAULT_ADMIN_UI_DIR);

  const serve = async (request: FastifyRequest, reply: FastifyReply, urlPath: string) => {
    checkAdminPeer(request.raw, deps.policy);
    if (urlPath.startsWith('v1/') || urlPath === 'v1') {
      // Unknown API paths answer like the API, not with the page.
      throw unrecognized(`Unrecognized request: ${request.method} ${ADMIN_API_PREFIX}/…`);
    }
    void reply.headers(securityHeaders(request));
    const index = path.join(root, 'index.html');
    if (!(await isFile(index))) {
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(MISSING_BUILD_PAGE);
    }
    const file = urlPath === '' ? index : resolveUiFile(root, urlPath);
    if (file === undefined) throw new MatrixError(404, 'M_NOT_FOUND', 'No such file');
    if (file !== index && (await isFile(file))) {
      const hashed = file.startsWith(path.join(root, 'assets') + path.sep);
      return reply
        .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
        .type(contentTypeFor(file))
        .send(await readFile(file));
    }
    // A missing file that looks like one (has an extension) is a 404, not the page.
    if (file !== index && path.extname(file) !== '') {
      throw new MatrixError(404, 'M_NOT_FOUND', 'No such file');
    }
    return reply
      .header('cache-control', 'no-cache')
      .type(contentTypeFor('index.html'))
      .send(await readFile(index));
  };

  app.get(ADMIN_UI_PREFIX, async (request, reply) => {
    checkAdminPeer(request.raw, deps.policy);
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    return reply.redirect(`${ADMIN_UI_PREFIX}/${query}`, 302);
  });
  app.get<{ Params: { '*': string } }>(`${ADMIN_UI_PREFIX}/*`, async (request, reply) =>
    serve(request, reply, request.params['*']),
  );
}
