/**
 * Everything a Homeserver needs to know, resolved to concrete values. The command line and the
 * optional config file only produce one of these; nothing reads flags or env vars later.
 */
import path from 'node:path';

export type RegistrationPolicy = 'open' | 'closed' | 'token';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface HomeserverConfig {
  /** Holds the database, signing key, TLS certificate and admin token; may hold other files. */
  dataDir: string;
  /** The Matrix server name (`host`, `host:port`, `IPv4:port`, `[IPv6]:port`). */
  serverName: string;
  listen: ListenAddress;
  registration: RegistrationPolicy;
  /** Required when `registration` is `token`. */
  registrationToken: string | undefined;
  /** TLS certificate and key to serve; a self-signed pair is made in the data dir when unset. */
  tlsCertificateFile: string | undefined;
  tlsKeyFile: string | undefined;
  federation: {
    /** Accept any peer certificate: only for local test federations. */
    insecureSkipTlsVerify: boolean;
    /** Extra CA certificates (PEM) to trust for outbound federation. */
    trustedCaFile: string | undefined;
    /** Notary servers for `/_matrix/key/v2/query`; keys come from the origin itself when empty. */
    notaryServers: string[];
    /** Limits on requests for room data; defaults suit huge rooms, tests shrink them. */
    roomRequests: RoomRequestLimits;
    /**
     * Which servers we federate with at all, as globs over the server name or its host
     * (destination-policy.ts). `allow` undefined: everyone not denied. Loopback servers stay
     * allowed under an `allow` list unless `deny` names them.
     */
    destinations: { allow: string[] | undefined; deny: string[] };
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  resync: {
    /**
     * New partial joins start with their resync paused at J, so a person can step through it
     * from the first event (the demo does this).
     */
    startPaused: boolean;
  };
  /** Per-IP token buckets for unauthenticated account endpoints (login, register). */
  rateLimits: {
    accountAuth: RateLimit;
  };
}

/**
 * Time and size limits of outbound requests for room data (make_join, /event, ...) and of the
 * large answers (send_join, /state, /state_ids, /event_auth): a peer that is slower or sends more
 * than this counts as failing, and the next server is asked.
 */
export interface RoomRequestLimits {
  timeoutMs: number;
  largeTimeoutMs: number;
  largeMaxBytes: number;
}

/** A token bucket: up to `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

export const DEFAULT_PORT = 8448;

export function defaultConfig(cwd: string): HomeserverConfig {
  return {
    dataDir: path.resolve(cwd, 'skein-data'),
    serverName: `localhost:${DEFAULT_PORT}`,
    listen: { host: '127.0.0.1', port: DEFAULT_PORT },
    registration: 'open',
    registrationToken: undefined,
    tlsCertificateFile: undefined,
    tlsKeyFile: undefined,
    federation: {
      insecureSkipTlsVerify: false,
      trustedCaFile: undefined,
      notaryServers: [],
      // A /state answer for a 100k-member room is tens of MB and slow to serve (synapse#14912
      // waits 10 minutes); small answers get the client's usual minute.
      roomRequests: {
        timeoutMs: 60_000,
        largeTimeoutMs: 10 * 60_000,
        largeMaxBytes: 500 * 1024 * 1024,
      },
      destinations: { allow: undefined, deny: [] },
    },
    logLevel: 'info',
    resync: { startPaused: false },
    // Generous on purpose: a desktop server's clients share one loopback IP, and scrypt already
    // makes each password guess cost ~30 ms of CPU.
    rateLimits: { accountAuth: { burst: 2000, perSecond: 200 } },
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
