/**
 * The outbound federation HTTPS client. Every request is signed with X-Matrix, sent to the
 * endpoints server discovery names (the next one is tried only when a connection could not be
 * made), read with a size cap and parsed with the strict JSON parser. Failures are
 * `FederationRequestError`s that say who, what, and how it failed.
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { resolveSrv } from 'node:dns/promises';
import type { JsonValue } from '../rules/json';
import { isJsonObject } from '../rules/json';
import { parseJsonStrict } from '../rules/canonical-json/strict-parse';
import type { SigningKey } from '../rules/signing/signing-key';
import type { Clock } from '../util/clock';
import type { Logger } from '../logging/logger';
import type { DestinationPolicy } from './destination-policy';
import { DestinationDeniedError } from './destination-policy';
import { FederationRequestError } from './federation-request-error';
import { httpsFetch, HttpsFetchError } from './https-fetch';
import type { HttpsFetchResponse } from './https-fetch';
import { ServerDiscovery, ServerDiscoveryError } from './server-discovery';
import type { ServerEndpoint, WellKnownAnswer } from './server-discovery';
import { buildXMatrixAuthorization } from './x-matrix';
import { faultPoint, requestLabel } from '../util/fault-points';

/** Big enough for `/state` of a large room; callers expecting small answers should pass less. */
export const DEFAULT_MAX_RESPONSE_BYTES = 200 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Synapse's well-known size cap; the document is a few bytes. */
const WELL_KNOWN_MAX_BYTES = 50 * 1024;
const WELL_KNOWN_TIMEOUT_MS = 10_000;
const WELL_KNOWN_MAX_REDIRECTS = 5;

export type QueryValue = string | number | boolean | readonly (string | number | boolean)[];

export interface FederationRequestOptions {
  query?: Record<string, QueryValue | undefined>;
  body?: JsonValue;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Key endpoints need no authentication; everything else is signed. Default true. */
  signed?: boolean;
  signal?: AbortSignal;
  /** Told the size of every response body received (including error answers), for progress. */
  onResponseBytes?: (bytes: number) => void;
}

export interface FederationTlsOptions {
  insecureSkipTlsVerify: boolean;
  trustedCaFile: string | undefined;
}

export interface FederationHttpClientOptions {
  serverName: string;
  signingKey: SigningKey;
  tls: FederationTlsOptions;
  logger: Logger;
  clock: Clock;
  /** Defaults to real DNS and HTTPS well-known lookups. */
  discovery?: ServerDiscovery;
  /** The operator's allow/deny lists; every destination is allowed when absent. */
  destinationPolicy?: DestinationPolicy;
}

/** `path?query` with the query encoded the way it is sent (and therefore signed). */
export function buildRequestUri(path: string, query: FederationRequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values as (string | number | boolean)[]) params.append(name, String(v));
  }
  const qs = params.toString();
  return qs === '' ? path : `${path}?${qs}`;
}

/** What code that calls other servers needs of the client (a fake in unit tests). */
export type FederationRequester = Pick<FederationHttpClient, 'request'>;

export class FederationHttpClient {
  readonly agent: Agent;
  readonly discovery: ServerDiscovery;
  private readonly tlsOptions: { ca?: string[]; rejectUnauthorized: boolean };
  private readonly log: Logger;

  constructor(private readonly options: FederationHttpClientOptions) {
    // Keep-alive pooling matters: the outbound queue talks to the same peers over and over.
    this.agent = new Agent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 4, timeout: 60_000 });
    this.tlsOptions = {
      rejectUnauthorized: !options.tls.insecureSkipTlsVerify,
      ...(options.tls.trustedCaFile === undefined
        ? {}
        : { ca: [...rootCertificates, readFileSync(options.tls.trustedCaFile, 'utf8')] }),
    };
    this.log = options.logger.child({ component: 'federation-client' });
    this.discovery =
      options.discovery ??
      new ServerDiscovery({
        clock: options.clock,
        resolveSrv: (name) => resolveSrv(name),
        fetchWellKnown: (hostname) => this.fetchWellKnown(hostname),
      });
  }

  /**
   * Trusts one more certificate (PEM) from now on, besides the system roots and the configured
   * CA: the in-process demo federation's self-signed loopback servers.
   */
  trustCertificate(pem: string): void {
    this.tlsOptions.ca = [...(this.tlsOptions.ca ?? rootCertificates), pem];
  }

  /**
   * Sends one request to `destination` and returns its parsed JSON body. `path` must already be
   * percent-encoded (encode each identifier with `encodeURIComponent`).
   */
  async request<T = JsonValue>(
    destination: string,
    method: string,
    path: string,
    options: FederationRequestOptions = {},
  ): Promise<T> {
    // Before discovery: a denied server must not even see our DNS or well-known lookups.
    if (this.options.destinationPolicy?.allows(destination) === false) {
      throw new DestinationDeniedError(destination, method, path);
    }
    const uri = buildRequestUri(path, options.query);
    const fail = (
      kind: ConstructorParameters<typeof FederationRequestError>[3],
      message: string,
      details?: ConstructorParameters<typeof FederationRequestError>[5],
    ) => new FederationRequestError(destination, method, path, kind, message, details);

    let endpoints: ServerEndpoint[];
    try {
      endpoints = await this.discovery.resolve(destination);
    } catch (cause) {
      if (cause instanceof ServerDiscoveryError) throw fail('connect', cause.message, { cause });
      throw cause;
    }

    const headers: Record<string, string> = {};
    if (options.signed !== false) {
      headers['authorization'] = buildXMatrixAuthorization(
        {
          method,
          uri,
          origin: this.options.serverName,
          destination,
          ...(options.body === undefined ? {} : { content: options.body }),
        },
        this.options.signingKey,
      );
    }
    let body: Buffer | undefined;
    if (options.body !== undefined) {
      body = Buffer.from(JSON.stringify(options.body), 'utf8');
      headers['content-type'] = 'application/json';
    }

    // Crash-safety tests only (inert unless SKEIN_FAULT_AT is set): die before sending...
    faultPoint('request', () => requestLabel(method, path));
    let response: HttpsFetchResponse | undefined;
    let lastError: HttpsFetchError | undefined;
    for (const endpoint of endpoints) {
      try {
        response = await httpsFetch({
          agent: this.agent,
          host: endpoint.connectHost,
          port: endpoint.port,
          tlsServerName: endpoint.tlsServerName,
          method,
          path: uri,
          headers: { ...headers, host: endpoint.hostHeader },
          ...(body === undefined ? {} : { body }),
          timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
          tls: this.tlsOptions,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
        break;
      } catch (error) {
        if (!(error instanceof HttpsFetchError)) throw error;
        lastError = error;
        // Only an endpoint we could not reach is worth skipping; a slow or oversized answer
        // would likely repeat at the next endpoint of the same server.
        if (error.kind !== 'connect') break;
        this.log.debug('endpoint unreachable', {
          destination,
          host: endpoint.connectHost,
          port: endpoint.port,
          error: error.message,
        });
      }
    }
    if (response === undefined) {
      const error = lastError ?? new HttpsFetchError('connect', 'no endpoints');
      throw fail(error.kind, error.message, { cause: error });
    }

    // ...or with the answer in hand, before anything uses it.
    faultPoint('response', () => `${requestLabel(method, path)} -> ${response.status}`);
    options.onResponseBytes?.(response.body.length);
    const text = response.body.toString('utf8');
    if (response.status < 200 || response.status >= 300) {
      let errorBody: unknown;
      try {
        errorBody = text === '' ? undefined : JSON.parse(text);
      } catch {
        errorBody = undefined;
      }
      const errcode =
        isJsonObject(errorBody) && typeof errorBody['errcode'] === 'string'
          ? errorBody['errcode']
          : undefined;
      const message =
        isJsonObject(errorBody) && typeof errorBody['error'] === 'string'
          ? errorBody['error']
          : `HTTP ${response.status}`;
      throw fail('http', message, {
        status: response.status,
        ...(errcode === undefined ? {} : { errcode }),
        ...(errorBody === undefined ? {} : { body: errorBody }),
      });
    }
    try {
      return parseJsonStrict(text) as T;
    } catch (cause) {
      throw fail('bad_response', `response is not valid JSON: ${(cause as Error).message}`, {
        status: response.status,
        cause,
      });
    }
  }

  /** Closes pooled connections (on shutdown). */
  close(): void {
    this.agent.destroy();
  }

  /** GET https://hostname/.well-known/matrix/server, following redirects to https URLs only. */
  private async fetchWellKnown(hostname: string): Promise<WellKnownAnswer> {
    let url = new URL(`https://${hostname}/.well-known/matrix/server`);
    for (let hop = 0; hop <= WELL_KNOWN_MAX_REDIRECTS; hop++) {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const isIp = /^[0-9.]+$/.test(host) || host.includes(':');
      const response = await httpsFetch({
        agent: this.agent,
        host,
        port: url.port === '' ? 443 : Number(url.port),
        tlsServerName: isIp ? undefined : host,
        method: 'GET',
        path: `${url.pathname}${url.search}`,
        headers: { host: url.host },
        timeoutMs: WELL_KNOWN_TIMEOUT_MS,
        maxResponseBytes: WELL_KNOWN_MAX_BYTES,
        tls: this.tlsOptions,
      });
      const location = response.headers.location;
      if (response.status >= 300 && response.status < 400 && location !== undefined) {
        url = new URL(location, url);
        if (url.protocol !== 'https:') break;
        continue;
      }
      const cacheControl = response.headers['cache-control'];
      return {
        status: response.status,
        body: response.body.toString('utf8'),
        cacheControl,
      };
    }
    return { status: 0, body: '', cacheControl: undefined };
  }
}
