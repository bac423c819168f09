/**
 * Who may use the admin API: only loopback peers (the API can pause resyncs and join rooms), only
 * with a Host header naming a loopback host or this server (defeats DNS rebinding), only from our
 * own origin when a browser says where it comes from (defeats cross-site use), and only with the
 * bearer token.
 */
import type { IncomingMessage } from 'node:http';
import { MatrixError } from '../http/matrix-error';
import { tokenMatches } from './admin-token';

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(address);
}

/** The host part of a Host header or URL authority (`[::1]:8448` → `::1`). */
export function hostOf(authority: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(authority);
  if (bracketed?.[1] !== undefined) return bracketed[1].toLowerCase();
  return authority.replace(/:\d+$/, '').toLowerCase();
}

export interface AdminAccessPolicy {
  token: string;
  /** Hosts (without port) a request may name: loopback names plus our own. */
  allowedHosts: ReadonlySet<string>;
}

export function adminAccessPolicy(
  token: string,
  serverName: string,
  listenHost: string,
): AdminAccessPolicy {
  return {
    token,
    allowedHosts: new Set([
      'localhost',
      '127.0.0.1',
      '::1',
      hostOf(serverName),
      hostOf(listenHost),
    ]),
  };
}

function bearer(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  // Browsers cannot set headers on WebSocket handshakes or plain navigations.
  return url.searchParams.get('access_token') ?? undefined;
}

/**
 * Throws MatrixError 403 unless the request comes from a loopback peer naming this server, from
 * our own origin. The admin GUI's static files need only this: the page asks for the token.
 */
export function checkAdminPeer(request: IncomingMessage, policy: AdminAccessPolicy): void {
  if (!isLoopbackAddress(request.socket.remoteAddress)) {
    throw new MatrixError(403, 'M_FORBIDDEN', 'The admin API only answers loopback clients');
  }
  const host = request.headers.host;
  if (host === undefined || !policy.allowedHosts.has(hostOf(host))) {
    throw new MatrixError(403, 'M_FORBIDDEN', 'The Host header does not name this server');
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let originHost: string;
    try {
      const parsed = new URL(origin);
      originHost = parsed.protocol === 'https:' ? `${parsed.host}` : '';
    } catch {
      originHost = '';
    }
    if (originHost === '' || originHost.toLowerCase() !== host.toLowerCase()) {
      throw new MatrixError(403, 'M_FORBIDDEN', 'Cross-origin use of the admin API is not allowed');
    }
  }
}

/** Throws MatrixError 403/401 unless the request may use the admin API. */
export function checkAdminAccess(request: IncomingMessage, policy: AdminAccessPolicy): void {
  checkAdminPeer(request, policy);
  const url = new URL(request.url ?? '/', 'https://admin.invalid');
  if (!tokenMatches(policy.token, bearer(request, url))) {
    throw new MatrixError(401, 'M_UNKNOWN_TOKEN', 'A valid admin bearer token is required');
  }
}
