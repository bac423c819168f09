/**
 * POST /_matrix/federation/v1/get_missing_events/{roomId} — the events between what the asker
 * has (`earliest_events`) and what it just got (`latest_events`), oldest first: `{events}`.
 * `limit` defaults to 10 (spec) and is capped at 20 (Synapse); `min_depth` is checked for
 * type but not applied (see missing-events-walk.ts).
 */
import type { FastifyInstance } from 'fastify';
import { badJson, invalidParam, missingParam } from '../http/matrix-error';
import { isJsonObject } from '../rules/json';
import type { JsonObject } from '../rules/json';
import { requireOrigin } from './authenticate-origin';
import { requireEventId, roomIdParam } from './federation-request-params';
import type { RoomDataRouteDeps } from './room-data-route-deps';

/** Spec default for `limit`. */
export const DEFAULT_MISSING_EVENTS_LIMIT = 10;

function eventIdList(body: JsonObject, field: string): string[] {
  const value = body[field];
  if (value === undefined) throw missingParam(`"${field}" is required`);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw badJson(`"${field}" must be a list of event IDs`);
  }
  return (value as string[]).map(requireEventId);
}

function optionalInteger(body: JsonObject, field: string, fallback: number): number {
  const value = body[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw badJson(`"${field}" must be an integer`);
  }
  return value;
}

export function parseMissingEventsRequest(body: unknown): {
  earliest: string[];
  latest: string[];
  limit: number;
  minDepth: number;
} {
  if (!isJsonObject(body)) throw badJson('request body must be a JSON object');
  const limit = optionalInteger(body, 'limit', DEFAULT_MISSING_EVENTS_LIMIT);
  if (limit < 0) throw invalidParam('"limit" must not be negative');
  return {
    earliest: eventIdList(body, 'earliest_events'),
    latest: eventIdList(body, 'latest_events'),
    limit,
    minDepth: optionalInteger(body, 'min_depth', 0),
  };
}

export function registerGetMissingEvents(app: FastifyInstance, deps: RoomDataRouteDeps): void {
  app.post(
    '/_matrix/federation/v1/get_missing_events/:roomId',
    { preHandler: deps.authenticate },
    async (request) => {
      const origin = requireOrigin(request);
      const roomId = roomIdParam(request);
      const { earliest, latest, limit } = parseMissingEventsRequest(request.body);
      return { events: deps.roomData.missingEvents(origin, roomId, { earliest, latest, limit }) };
    },
  );
}
