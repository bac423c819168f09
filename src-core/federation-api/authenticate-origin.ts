/**
 * Inbound request authentication (server-server API "Request Authentication"): a fastify
 * preHandler for every federation endpoint except `/version` and `/_matrix/key/*`. It checks the
 * X-Matrix header against the origin's key (via the key ring, valid now), requires the request
 * to be addressed to us, and records the authenticated origin on the request.
 */
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import {
  XMatrixParseError,
  parseXMatrixHeader,
  verifyXMatrixSignature,
} from '../federation-client/x-matrix';
import { MatrixError } from '../http/matrix-error';
import type { JsonValue } from '../rules/json';
import { isValidServerName } from '../rules/identifiers/server-name';
import type { Clock } from '../util/clock';

declare module 'fastify' {
  interface FastifyRequest {
    /** The server that signed this request, set by `authenticateOrigin`. */
    federationOrigin: string | undefined;
  }
}

export interface OriginAuthenticationDeps {
  serverName: string;
  keyRing: {
    getVerifyKey(serverName: string, keyId: string, atTs?: number): Promise<Uint8Array | undefined>;
  };
  clock: Clock;
}

const unauthorized = (message: string): MatrixError =>
  new MatrixError(401, 'M_UNAUTHORIZED', message);

export function authenticateOrigin(deps: OriginAuthenticationDeps): preHandlerAsyncHookHandler {
  return async (request) => {
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      throw unauthorized('Missing X-Matrix Authorization header');
    }
    let credentials;
    try {
      credentials = parseXMatrixHeader(header);
    } catch (error) {
      if (error instanceof XMatrixParseError) throw unauthorized(error.message);
      throw error;
    }
    // Servers before spec v1.3 leave destination out; they signed with our name all the same.
    if (credentials.destination !== undefined && credentials.destination !== deps.serverName) {
      throw unauthorized(`Request is for ${credentials.destination}, not ${deps.serverName}`);
    }
    if (!isValidServerName(credentials.origin)) throw unauthorized('Origin is not a server name');
    if (credentials.origin === deps.serverName) {
      // Our own key would verify, but we never send federation requests to ourselves.
      throw unauthorized('Request claims to come from this server');
    }
    const publicKey = await deps.keyRing.getVerifyKey(
      credentials.origin,
      credentials.key,
      deps.clock.now(),
    );
    if (publicKey === undefined) {
      throw unauthorized(`Cannot find key ${credentials.key} of ${credentials.origin}`);
    }
    const body = request.body as JsonValue | undefined;
    const valid = verifyXMatrixSignature(
      {
        method: request.method,
        uri: request.url,
        origin: credentials.origin,
        destination: deps.serverName,
        ...(body === undefined ? {} : { content: body }),
      },
      credentials,
      publicKey,
    );
    if (!valid) throw unauthorized('Invalid X-Matrix signature');
    request.federationOrigin = credentials.origin;
  };
}

/** The authenticated origin; for handlers behind `authenticateOrigin`. */
export function requireOrigin(request: FastifyRequest): string {
  const origin = request.federationOrigin;
  if (origin === undefined) {
    throw new Error(
      `${request.method} ${request.routeOptions.url} is not behind authenticateOrigin`,
    );
  }
  return origin;
}
