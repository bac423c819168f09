/**
 * One HTTPS exchange with a hard cap on the response size. Bodies are read as a stream and the
 * request is aborted the moment the cap is passed, so a hostile or broken peer cannot make us
 * buffer gigabytes (a `/state` answer for a big room is legitimately large, a key answer is not).
 */
import type { Agent, RequestOptions } from 'node:https';
import { request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpsFetchOptions {
  agent: Agent;
  /** Host to connect to: an IP address or DNS name, IPv6 without brackets. */
  host: string;
  port: number;
  /** SNI and certificate name; undefined when connecting to an IP literal by its address. */
  tlsServerName: string | undefined;
  method: string;
  /** Path and query string. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Extra TLS options (trust, verification). */
  tls: Pick<RequestOptions, 'ca' | 'rejectUnauthorized'>;
  /** Aborts the exchange (e.g. on shutdown); the promise then rejects with kind `aborted`. */
  signal?: AbortSignal;
}

export interface HttpsFetchResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class HttpsFetchError extends Error {
  constructor(
    readonly kind: 'connect' | 'timeout' | 'too_large' | 'aborted',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpsFetchError';
  }
}

export function httpsFetch(options: HttpsFetchOptions): Promise<HttpsFetchResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => fail(new HttpsFetchError('aborted', 'request aborted'));
    const fail = (error: HttpsFetchError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      reject(error);
    };
    const req = httpsRequest({
      agent: options.agent,
      host: options.host,
      port: options.port,
      ...(options.tlsServerName === undefined ? {} : { servername: options.tlsServerName }),
      method: options.method,
      path: options.path,
      headers: {
        ...options.headers,
        ...(options.body === undefined ? {} : { 'content-length': String(options.body.length) }),
      },
      ...options.tls,
    });
    const timer = setTimeout(
      () =>
        fail(new HttpsFetchError('timeout', `no complete response within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    req.on('error', (cause) => {
      fail(new HttpsFetchError('connect', cause.message, { cause }));
    });
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxResponseBytes) {
        fail(
          new HttpsFetchError(
            'too_large',
            `response declares ${declared} bytes, limit is ${options.maxResponseBytes}`,
          ),
        );
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > options.maxResponseBytes) {
          fail(
            new HttpsFetchError('too_large', `response exceeded ${options.maxResponseBytes} bytes`),
          );
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (cause) => fail(new HttpsFetchError('connect', cause.message, { cause })));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
