/**
 * A minimal HTTPS JSON client for tests, trusting exactly the CA it is given (the server under
 * test's self-signed certificate) rather than turning verification off.
 */
import { request as httpsRequest } from 'node:https';

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

export function requestJson(
  url: string,
  options: {
    method?: string;
    body?: unknown;
    /** Sent as-is instead of JSON-encoding `body` (for malformed-input tests). */
    rawBody?: string | Buffer;
    headers?: Record<string, string>;
    ca?: string;
  } = {},
): Promise<JsonResponse> {
  const payload =
    options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: options.method ?? 'GET',
        headers: {
          // An explicit length: Node sends DELETE bodies neither chunked nor sized otherwise,
          // and the server then reads the body as the next request.
          ...(payload === undefined
            ? {}
            : {
                'content-type': 'application/json',
                'content-length': String(Buffer.byteLength(payload)),
              }),
          ...options.headers,
        },
        ...(options.ca ? { ca: options.ca } : { rejectUnauthorized: false }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = undefined;
          try {
            body = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`request to ${url} timed out`)));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
