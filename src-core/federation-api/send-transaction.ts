/**
 * PUT /_matrix/federation/v1/send/{txnId} — a peer pushes PDUs and EDUs to us. The transport's
 * part: authenticate the origin, check the envelope, make retries idempotent per
 * (origin, txnId), and hand the contents to the `TransactionHandler`.
 */
import type { FastifyInstance } from 'fastify';
import { badJson } from '../http/matrix-error';
import type { JsonObject } from '../rules/json';
import { isJsonObject } from '../rules/json';
import type { InboundTransactionStore } from '../storage/inbound-transaction-store';
import type { Clock } from '../util/clock';
import type { Logger } from '../logging/logger';
import type { OriginAuthenticationDeps } from './authenticate-origin';
import { authenticateOrigin, requireOrigin } from './authenticate-origin';
import type { TransactionHandler } from './transaction-handler';

/** Spec limits on one transaction. */
export const MAX_PDUS_PER_TRANSACTION = 50;
export const MAX_EDUS_PER_TRANSACTION = 100;

export interface SendTransactionDeps extends OriginAuthenticationDeps {
  store: InboundTransactionStore;
  handler: () => TransactionHandler;
  clock: Clock;
  logger: Logger;
  /** Told about every authenticated origin: a peer that talks to us is up (outbound backoff). */
  onOriginSeen?: (origin: string) => void;
}

function listField(body: JsonObject, field: 'pdus' | 'edus', max: number): unknown[] {
  const value = body[field];
  // Synapse treats a missing list as empty; EDU-only transactions often omit `pdus`.
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw badJson(`${field} must be an array`);
  if (value.length > max) {
    throw badJson(`a transaction may carry at most ${max} ${field}, got ${value.length}`);
  }
  return value;
}

export function registerSendTransaction(app: FastifyInstance, deps: SendTransactionDeps): void {
  const log = deps.logger.child({ component: 'federation-send' });
  // A retry that arrives while the first attempt is still being handled waits for its answer.
  const inProgress = new Map<string, Promise<string>>();

  const handle = async (origin: string, txnId: string, body: JsonObject): Promise<string> => {
    const pdus = listField(body, 'pdus', MAX_PDUS_PER_TRANSACTION);
    const edus = listField(body, 'edus', MAX_EDUS_PER_TRANSACTION);
    const handler = deps.handler();
    const pduResults = await handler.handlePdus(origin, pdus);
    await handler.handleEdus(origin, edus);
    const responseJson = JSON.stringify({ pdus: pduResults });
    deps.store.record(origin, txnId, responseJson, deps.clock.now());
    log.debug('transaction handled', {
      origin,
      txn_id: txnId,
      pdus: pdus.length,
      edus: edus.length,
    });
    return responseJson;
  };

  app.put<{ Params: { txnId: string } }>(
    '/_matrix/federation/v1/send/:txnId',
    { preHandler: authenticateOrigin(deps) },
    async (request, reply) => {
      const origin = requireOrigin(request);
      deps.onOriginSeen?.(origin);
      const { txnId } = request.params;
      const body = request.body;
      if (!isJsonObject(body)) throw badJson('transaction body must be a JSON object');
      const stored = deps.store.response(origin, txnId);
      let responseJson: string;
      if (stored !== undefined) {
        responseJson = stored;
      } else {
        const key = `${origin}\u0000${txnId}`;
        let pending = inProgress.get(key);
        if (!pending) {
          pending = handle(origin, txnId, body).finally(() => inProgress.delete(key));
          inProgress.set(key, pending);
        }
        responseJson = await pending;
      }
      return reply.code(200).type('application/json').send(responseJson);
    },
  );
}
