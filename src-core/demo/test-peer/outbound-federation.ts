/**
 * Requests the peer makes to a real server (`/send` pushes, probes of its federation API),
 * signed with X-Matrix. The peer connects to `host:port` of the destination's server name
 * directly (test federations use IP-literal names) and accepts any certificate: the servers
 * under test are self-signed.
 */
import { request as httpsRequest } from 'node:https';
import type { PeerJson } from './peer-json';
import type { PeerSigningKey } from './peer-signing-key';
import { xMatrixAuthorization } from './x-matrix-auth';

export interface OutboundResponse {
  status: number;
  body: unknown;
  text: string;
}

function hostAndPort(serverName: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(serverName);
  if (!match?.[1]) throw new Error(`cannot connect to server name ${serverName}`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2] ?? 8448) };
}

export function signedFederationRequest(options: {
  origin: string;
  key: PeerSigningKey;
  destination: string;
  method: string;
  /** Path plus query string, percent-encoded as it goes on the request line. */
  uri: string;
  body?: PeerJson;
  timeoutMs?: number;
}): Promise<OutboundResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const { host, port } = hostAndPort(options.destination);
  const authorization = xMatrixAuthorization({
    method: options.method,
    uri: options.uri,
    origin: options.origin,
    destination: options.destination,
    ...(options.body === undefined ? {} : { content: options.body }),
    key: options.key,
  });
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host,
        port,
        method: options.method,
        path: options.uri,
        rejectUnauthorized: false,
        headers: {
          authorization,
          host: options.destination,
          ...(payload === undefined
            ? {}
            : {
                'content-type': 'application/json',
                'content-length': String(Buffer.byteLength(payload)),
              }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', (error) =>
      reject(
        new Error(`${options.method} ${options.uri} to ${options.destination}: ${error.message}`),
      ),
    );
    req.setTimeout(options.timeoutMs ?? 30_000, () =>
      req.destroy(
        new Error(`${options.method} ${options.uri} to ${options.destination} timed out`),
      ),
    );
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
