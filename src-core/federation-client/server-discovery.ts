/**
 * Resolving server names (server-server API "Resolving server names"): where to connect for a
 * server name, which Host header to send, and which name the TLS certificate must carry.
 *
 * 1. IP literal → that address, port given or 8448; certificate for the IP.
 * 2. Hostname with explicit port → that host and port; Host `hostname:port`.
 * 3. `https://hostname/.well-known/matrix/server` names a delegated server, resolved the same way
 *    (IP literal, explicit port), else by SRV `_matrix-fed._tcp`, then the deprecated
 *    `_matrix._tcp`, then port 8448 — with Host and certificate of the delegated hostname.
 * 4. No (valid) well-known: SRV `_matrix-fed._tcp.hostname`, then `_matrix._tcp.hostname`,
 *    then hostname:8448; Host and certificate of the hostname.
 *
 * DNS and the well-known fetch are injected, so the whole decision tree is testable offline.
 */
import type { SrvRecord } from 'node:dns';
import { parseServerName } from '../rules/identifiers/server-name';
import type { ServerName } from '../rules/identifiers/server-name';
import type { Clock } from '../util/clock';

export const DEFAULT_FEDERATION_PORT = 8448;

/** One place to connect to, in the order to try them. */
export interface ServerEndpoint {
  /** DNS name or IP address to open the TCP connection to (IPv6 without brackets). */
  connectHost: string;
  port: number;
  /** The HTTP Host header. */
  hostHeader: string;
  /** SNI and the name the certificate must match; undefined when it must match an IP. */
  tlsServerName: string | undefined;
}

export interface WellKnownAnswer {
  status: number;
  /** Raw body; parsed here so that a bad body counts as "no delegation". */
  body: string;
  cacheControl: string | undefined;
}

export interface ServerDiscoveryDeps {
  resolveSrv(name: string): Promise<SrvRecord[]>;
  /** GET https://<hostname>/.well-known/matrix/server, redirects followed; throws on network failure. */
  fetchWellKnown(hostname: string): Promise<WellKnownAnswer>;
  clock: Clock;
}

/** Cache bounds for well-known answers: the spec suggests 24 h by default and a 48 h ceiling. */
export const WELL_KNOWN_DEFAULT_CACHE_MS = 24 * 60 * 60 * 1000;
export const WELL_KNOWN_MAX_CACHE_MS = 48 * 60 * 60 * 1000;
/** Below this we would refetch on nearly every request; Synapse also floors it (5 minutes). */
export const WELL_KNOWN_MIN_CACHE_MS = 5 * 60 * 1000;
/** A failed lookup is remembered briefly so a down server does not cost a fetch per request. */
export const WELL_KNOWN_FAILURE_CACHE_MS = 10 * 60 * 1000;

export class ServerDiscoveryError extends Error {
  constructor(
    readonly serverName: string,
    message: string,
  ) {
    super(`cannot resolve server name ${JSON.stringify(serverName)}: ${message}`);
    this.name = 'ServerDiscoveryError';
  }
}

function withoutBrackets(host: string): string {
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

function hostAndPort(name: ServerName): string {
  return name.port === undefined ? name.host : `${name.host}:${name.port}`;
}

/** Cache lifetime from a Cache-Control header, within our bounds. */
export function wellKnownCacheMs(cacheControl: string | undefined): number {
  if (cacheControl === undefined) return WELL_KNOWN_DEFAULT_CACHE_MS;
  const directives = cacheControl
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (directives.includes('no-store') || directives.includes('no-cache')) {
    return WELL_KNOWN_MIN_CACHE_MS;
  }
  const maxAge = directives.find((d) => d.startsWith('max-age='));
  if (maxAge === undefined) return WELL_KNOWN_DEFAULT_CACHE_MS;
  const seconds = Number(maxAge.slice('max-age='.length));
  if (!Number.isFinite(seconds) || seconds < 0) return WELL_KNOWN_DEFAULT_CACHE_MS;
  return Math.min(WELL_KNOWN_MAX_CACHE_MS, Math.max(WELL_KNOWN_MIN_CACHE_MS, seconds * 1000));
}

/** The delegated server name from a well-known body, or undefined if the body is not valid. */
export function parseWellKnownBody(body: string): ServerName | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const server = (json as Record<string, unknown>)['m.server'];
  if (typeof server !== 'string') return undefined;
  const parsed = parseServerName(server);
  return parsed.ok ? parsed.value : undefined;
}

/** SRV answers in the order to try: lowest priority first, then highest weight (RFC 2782). */
function orderSrv(records: SrvRecord[]): SrvRecord[] {
  return records
    .filter((r) => r.name !== '' && r.name !== '.')
    .sort((a, b) => a.priority - b.priority || b.weight - a.weight);
}

export class ServerDiscovery {
  private readonly wellKnownCache = new Map<
    string,
    { delegated: ServerName | undefined; expiresAt: number }
  >();

  constructor(private readonly deps: ServerDiscoveryDeps) {}

  /** Endpoints for `serverName`, best first; never empty. */
  async resolve(serverName: string): Promise<ServerEndpoint[]> {
    const parsed = parseServerName(serverName);
    if (!parsed.ok) throw new ServerDiscoveryError(serverName, parsed.reason);
    const name = parsed.value;
    const direct = this.resolveWithoutWellKnown(name);
    if (direct) return [direct];
    const delegated = await this.delegatedServer(name.host);
    if (delegated) {
      const delegatedDirect = this.resolveWithoutWellKnown(delegated);
      return delegatedDirect ? [delegatedDirect] : this.resolveBySrv(delegated.host);
    }
    return this.resolveBySrv(name.host);
  }

  /** Steps 1 and 2 (and 3.1, 3.2 for a delegated name): IP literals and explicit ports. */
  private resolveWithoutWellKnown(name: ServerName): ServerEndpoint | undefined {
    if (name.hostKind !== 'dns') {
      return {
        connectHost: withoutBrackets(name.host),
        port: name.port ?? DEFAULT_FEDERATION_PORT,
        hostHeader: hostAndPort(name),
        tlsServerName: undefined,
      };
    }
    if (name.port !== undefined) {
      return {
        connectHost: name.host,
        port: name.port,
        hostHeader: hostAndPort(name),
        tlsServerName: name.host,
      };
    }
    return undefined;
  }

  /** SRV `_matrix-fed._tcp`, then `_matrix._tcp`, then port 8448 — all for `hostname`. */
  private async resolveBySrv(hostname: string): Promise<ServerEndpoint[]> {
    for (const service of ['_matrix-fed._tcp', '_matrix._tcp']) {
      let records: SrvRecord[];
      try {
        records = orderSrv(await this.deps.resolveSrv(`${service}.${hostname}`));
      } catch {
        // NXDOMAIN / no data / resolver failure all mean "no SRV record" here.
        continue;
      }
      if (records.length > 0) {
        return records.map((record) => ({
          connectHost: record.name.replace(/\.$/, ''),
          port: record.port,
          hostHeader: hostname,
          tlsServerName: hostname,
        }));
      }
    }
    return [
      {
        connectHost: hostname,
        port: DEFAULT_FEDERATION_PORT,
        hostHeader: hostname,
        tlsServerName: hostname,
      },
    ];
  }

  private async delegatedServer(hostname: string): Promise<ServerName | undefined> {
    const now = this.deps.clock.now();
    const cached = this.wellKnownCache.get(hostname);
    if (cached && cached.expiresAt > now) return cached.delegated;
    let delegated: ServerName | undefined;
    let cacheMs = WELL_KNOWN_FAILURE_CACHE_MS;
    try {
      const answer = await this.deps.fetchWellKnown(hostname);
      if (answer.status === 200) {
        delegated = parseWellKnownBody(answer.body);
        if (delegated) cacheMs = wellKnownCacheMs(answer.cacheControl);
      }
    } catch {
      delegated = undefined;
    }
    this.wellKnownCache.set(hostname, { delegated, expiresAt: now + cacheMs });
    return delegated;
  }
}
