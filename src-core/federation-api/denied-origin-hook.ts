/**
 * Inbound side of the operator's destination lists: a federation request whose X-Matrix origin
 * is denied gets 403 M_FORBIDDEN before its signature is checked (that would fetch the denied
 * server's key) and before any handler runs. A missing or unparsable header is left to
 * `authenticateOrigin`, which answers 401.
 */
import type { onRequestAsyncHookHandler } from 'fastify';
import { parseXMatrixHeader } from '../federation-client/x-matrix';
import type { DestinationPolicy } from '../federation-client/destination-policy';
import { forbidden } from '../http/matrix-error';

export function refuseDeniedOrigins(policy: DestinationPolicy): onRequestAsyncHookHandler {
  return async (request) => {
    const header = request.headers.authorization;
    if (header === undefined || header === '') return;
    let origin: string;
    try {
      origin = parseXMatrixHeader(header).origin;
    } catch {
      return;
    }
    if (!policy.allows(origin)) {
      throw forbidden(`${origin} is denied by this server's federation destination lists`);
    }
  };
}
