/**
 * A WHATWG-style `fetch` over `node:https` that trusts exactly one CA — the server under test's
 * self-signed certificate — so third-party clients (matrix-js-sdk takes a `fetchFn`) can talk to
 * a real server without turning TLS verification off anywhere. Node 20's global fetch cannot be
 * given a CA without importing undici's Agent, which is not a dependency of ours.
 *
 * Enough of fetch for JSON APIs: string/byte bodies, headers, AbortSignal; the response body is
 * buffered before the Response is handed back.
 */
import { Agent, request as httpsRequest } from 'node:https';

export interface HttpsFetch {
  fetch: typeof globalThis.fetch;
  /** Closes pooled keep-alive sockets; the fetch may not be used afterwards. */
  close(): void;
}

function requestBody(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8');
  throw new TypeError(`https-fetch: unsupported request body type ${body.constructor.name}`);
}

function abortReason(signal: AbortSignal): unknown {
  // fetch rejects with the signal's reason, which is an "AbortError" DOMException by default.
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

export function createHttpsFetch(options: { ca: string }): HttpsFetch {
  const agent = new Agent({ ca: options.ca, keepAlive: true });

  const fetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (typeof input !== 'string' && !(input instanceof URL)) {
      return Promise.reject(new TypeError('https-fetch: Request objects are not supported'));
    }
    const url = new URL(input);
    const signal = init.signal ?? undefined;
    const payload = requestBody(init.body);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    if (payload !== undefined) headers['content-length'] = String(payload.byteLength);

    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const req = httpsRequest(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            for (const one of Array.isArray(value) ? value : [value]) {
              responseHeaders.append(name, one);
            }
          }
          const status = res.statusCode ?? 0;
          // A Response may not carry a body for these statuses.
          const bodyless = status === 204 || status === 205 || status === 304;
          resolve(
            new Response(bodyless ? null : Buffer.concat(chunks), {
              status,
              statusText: res.statusMessage ?? '',
              headers: responseHeaders,
            }),
          );
        });
      });
      const onAbort = (): void => {
        req.destroy();
        reject(signal ? abortReason(signal) : new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(new TypeError(`fetch failed: ${url.origin}${url.pathname}`, { cause: error }));
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  };

  return { fetch: fetch as typeof globalThis.fetch, close: () => agent.destroy() };
}
