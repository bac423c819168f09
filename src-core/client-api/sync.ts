/**
 * GET /_matrix/client/v3/sync. Query parameters are checked here (400 for anything malformed,
 * never a 500); the work is SyncHandler's. A long-poll ends early when the client goes away.
 *
 * Errors follow Synapse: inline filter JSON that does not parse → M_NOT_JSON, a filter of the
 * wrong shape → M_BAD_JSON, an unknown filter ID → M_INVALID_PARAM; a malformed `since` →
 * M_INVALID_PARAM (Synapse says M_UNKNOWN there; the spec names no code).
 */
import type { FastifyInstance } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { MatrixError, badJson, invalidParam } from '../http/matrix-error';
import { isJsonObject } from '../rules/json';
import type { SyncFilter } from '../sync/sync-filter';
import { DEFAULT_SYNC_FILTER, parseSyncFilter } from '../sync/sync-filter';
import { parseSyncToken } from '../sync/sync-token';
import { authenticate } from './authenticate';
import type { Requester } from './authenticate';
import { queryParam } from './request-body';

const PRESENCE_VALUES = new Set(['online', 'offline', 'unavailable']);

function resolveFilter(
  context: HomeserverContext,
  requester: Requester,
  param: string | undefined,
): SyncFilter {
  if (param === undefined || param === '') return DEFAULT_SYNC_FILTER;
  if (param.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(param);
    } catch {
      throw new MatrixError(400, 'M_NOT_JSON', 'Invalid filter JSON');
    }
    if (!isJsonObject(parsed)) throw badJson('The filter must be a JSON object');
    return parseSyncFilter(parsed);
  }
  let stored;
  try {
    stored = context.accounts.getFilter(requester.userId, param);
  } catch (error) {
    if (error instanceof MatrixError && error.status === 404) {
      throw invalidParam(`No such filter: ${JSON.stringify(param)}`);
    }
    throw error;
  }
  return parseSyncFilter(stored);
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined || text === '') return 0;
  if (!/^\d{1,15}$/.test(text)) throw invalidParam('timeout must be a non-negative integer');
  return Number(text);
}

function parseBoolean(text: string | undefined, name: string): boolean {
  if (text === undefined || text === 'false') return false;
  if (text === 'true') return true;
  throw invalidParam(`${name} must be "true" or "false"`);
}

export function registerSync(app: FastifyInstance, context: HomeserverContext): void {
  app.get('/_matrix/client/v3/sync', async (request, reply) => {
    const requester = authenticate(request, context);
    if (queryParam(request, 'from') !== undefined) {
      throw invalidParam("'from' is not a valid query parameter. Did you mean 'since'?");
    }
    const sinceText = queryParam(request, 'since');
    const since =
      sinceText === undefined || sinceText === '' ? undefined : parseSyncToken(sinceText);
    const timeoutMs = parseTimeout(queryParam(request, 'timeout'));
    const fullState = parseBoolean(queryParam(request, 'full_state'), 'full_state');
    const presence = queryParam(request, 'set_presence');
    if (presence !== undefined && !PRESENCE_VALUES.has(presence)) {
      throw invalidParam('set_presence must be one of online, offline, unavailable');
    }
    const filter = resolveFilter(context, requester, queryParam(request, 'filter'));
    // An explicit online/unavailable sets the user's presence (a no-op when unchanged);
    // "offline" only means "do not mark me online", and nothing is set without the parameter.
    if (presence === 'online' || presence === 'unavailable') {
      context.sync.presence.setLocal(requester.userId, presence, undefined);
    }

    const abort = new AbortController();
    const onClose = (): void => {
      if (!reply.raw.writableFinished) abort.abort();
    };
    reply.raw.on('close', onClose);
    try {
      return await context.sync.handler.sync({
        userId: requester.userId,
        deviceId: requester.deviceId,
        since,
        timeoutMs,
        fullState,
        filter,
        signal: abort.signal,
      });
    } finally {
      reply.raw.off('close', onClose);
    }
  });
}
