/**
 * RoomEventFilter (client-server API "Filtering") as /messages and /context apply it: event
 * types with `*` wildcards, senders, `contains_url`, `limit`, and the lazy-loading switches.
 * `not_*` lists win over their positive counterparts, as the spec says.
 */
import { badJson } from '../http/matrix-error';
import type { JsonObject, JsonValue } from '../rules/json';
import { isJsonObject } from '../rules/json';
import type { RoomEvent } from '../rules/events/room-event';

export interface RoomEventFilter {
  limit: number | undefined;
  types: string[] | undefined;
  notTypes: string[];
  senders: string[] | undefined;
  notSenders: string[];
  containsUrl: boolean | undefined;
  lazyLoadMembers: boolean;
  includeRedundantMembers: boolean;
}

export const EMPTY_FILTER: RoomEventFilter = {
  limit: undefined,
  types: undefined,
  notTypes: [],
  senders: undefined,
  notSenders: [],
  containsUrl: undefined,
  lazyLoadMembers: false,
  includeRedundantMembers: false,
};

function stringList(object: JsonObject, field: string): string[] | undefined {
  const value: JsonValue | undefined = object[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw badJson(`filter "${field}" must be an array of strings`);
  }
  return value as string[];
}

function bool(object: JsonObject, field: string): boolean | undefined {
  const value = object[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badJson(`filter "${field}" must be a boolean`);
  return value;
}

/** Parses the `filter` query parameter (JSON text); 400 M_BAD_JSON naming what is wrong. */
export function parseRoomEventFilter(text: string | undefined): RoomEventFilter {
  if (text === undefined || text === '') return EMPTY_FILTER;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badJson('"filter" is not valid JSON');
  }
  if (!isJsonObject(parsed)) throw badJson('"filter" must be a JSON object');
  const limit = parsed['limit'];
  if (
    limit !== undefined &&
    limit !== null &&
    (!Number.isInteger(limit) || (limit as number) < 0)
  ) {
    throw badJson('filter "limit" must be a non-negative integer');
  }
  return {
    limit: typeof limit === 'number' ? limit : undefined,
    types: stringList(parsed, 'types'),
    notTypes: stringList(parsed, 'not_types') ?? [],
    senders: stringList(parsed, 'senders'),
    notSenders: stringList(parsed, 'not_senders') ?? [],
    containsUrl: bool(parsed, 'contains_url'),
    lazyLoadMembers: bool(parsed, 'lazy_load_members') ?? false,
    includeRedundantMembers: bool(parsed, 'include_redundant_members') ?? false,
  };
}

function typeMatches(pattern: string, type: string): boolean {
  if (!pattern.includes('*')) return pattern === type;
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(type);
}

export function filterMatches(filter: RoomEventFilter, event: RoomEvent): boolean {
  if (filter.notTypes.some((p) => typeMatches(p, event.type))) return false;
  if (filter.types && !filter.types.some((p) => typeMatches(p, event.type))) return false;
  if (filter.notSenders.includes(event.sender)) return false;
  if (filter.senders && !filter.senders.includes(event.sender)) return false;
  if (filter.containsUrl !== undefined) {
    const hasUrl = typeof event.content['url'] === 'string';
    if (hasUrl !== filter.containsUrl) return false;
  }
  return true;
}
