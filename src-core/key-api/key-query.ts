/**
 * Notary key queries (server-server API "Querying Keys Through Another Server"):
 * `POST /_matrix/key/v2/query` and `GET /_matrix/key/v2/query/{serverName}`. We answer with
 * the key responses we hold or can fetch, each countersigned by us. Unauthenticated, as the
 * spec has it.
 */
import type { FastifyInstance } from 'fastify';
import { badJson } from '../http/matrix-error';
import type { KeyRing } from '../keys/key-ring';
import type { JsonObject } from '../rules/json';
import { isJsonObject } from '../rules/json';
import { isValidServerName } from '../rules/identifiers/server-name';
import type { Clock } from '../util/clock';

/** One query names at most this many servers; more is a bulk scrape, not a key lookup. */
export const MAX_SERVERS_PER_QUERY = 100;

function minimumValidUntil(criteria: unknown, now: number): number {
  let minimum = now;
  if (!isJsonObject(criteria)) return minimum;
  for (const keyCriteria of Object.values(criteria)) {
    const ts = isJsonObject(keyCriteria) ? keyCriteria['minimum_valid_until_ts'] : undefined;
    if (typeof ts === 'number' && Number.isSafeInteger(ts)) minimum = Math.max(minimum, ts);
  }
  return minimum;
}

export function registerKeyQuery(
  app: FastifyInstance,
  deps: { keyRing: KeyRing; clock: Clock },
): void {
  app.post('/_matrix/key/v2/query', async (request) => {
    const body = request.body;
    const serverKeys = isJsonObject(body) ? body['server_keys'] : undefined;
    if (!isJsonObject(serverKeys)) throw badJson('server_keys must be an object');
    const servers = Object.keys(serverKeys).filter(isValidServerName);
    if (servers.length > MAX_SERVERS_PER_QUERY) {
      throw badJson(`at most ${MAX_SERVERS_PER_QUERY} servers per query`);
    }
    const now = deps.clock.now();
    const answers = await Promise.all(
      servers.map((server) =>
        deps.keyRing.notaryResponse(server, minimumValidUntil(serverKeys[server], now)),
      ),
    );
    return { server_keys: answers.flat() };
  });

  app.get<{ Params: { serverName: string }; Querystring: { minimum_valid_until_ts?: string } }>(
    '/_matrix/key/v2/query/:serverName',
    async (request) => {
      const { serverName } = request.params;
      if (!isValidServerName(serverName)) return { server_keys: [] as JsonObject[] };
      const now = deps.clock.now();
      const asked = Number(request.query.minimum_valid_until_ts);
      const minimum = Number.isSafeInteger(asked) ? Math.max(now, asked) : now;
      return { server_keys: await deps.keyRing.notaryResponse(serverName, minimum) };
    },
  );
}
