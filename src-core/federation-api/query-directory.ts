/**
 * GET /_matrix/federation/v1/query/directory?room_alias= — what one of our aliases points to:
 * `{room_id, servers}`, the servers being us first, then the other servers with joined members
 * (server-server API "Query"). An alias that is not ours, or not taken, is 404 M_NOT_FOUND; a
 * malformed one is 400 M_INVALID_PARAM.
 */
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { notFound } from '../http/matrix-error';
import { requiredQuery } from './federation-request-params';

export interface QueryDirectoryDeps {
  aliases: {
    /** 400 M_INVALID_PARAM for a malformed alias; whether it is on this server. */
    isLocal(alias: string): boolean;
    /** 404 M_NOT_FOUND for an alias that does not exist. */
    resolve(alias: string): Promise<{ roomId: string; servers: string[] }>;
  };
  authenticate: preHandlerAsyncHookHandler;
}

export function registerQueryDirectory(app: FastifyInstance, deps: QueryDirectoryDeps): void {
  app.get(
    '/_matrix/federation/v1/query/directory',
    { preHandler: deps.authenticate },
    async (request) => {
      const alias = requiredQuery(request, 'room_alias');
      // Checked first: resolving a foreign alias would send us off to ask its server.
      if (!deps.aliases.isLocal(alias)) throw notFound(`Room alias ${alias} is not hosted here`);
      const { roomId, servers } = await deps.aliases.resolve(alias);
      return { room_id: roomId, servers };
    },
  );
}
