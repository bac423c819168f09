/**
 * The parts of a client filter (spec: client-server "Filtering") that /sync applies. Parsing is
 * strict about types (400 M_BAD_JSON naming the field, like Synapse's schema check) and lenient
 * about unknown keys. Type patterns may use `*` as a wildcard.
 */
import { badJson } from '../http/matrix-error';
import { isJsonObject } from '../rules/json';
import type { JsonObject, JsonValue } from '../rules/json';

/** Synapse's defaults: 10 timeline events per room, and a server cap on what a filter asks. */
export const DEFAULT_TIMELINE_LIMIT = 10;
export const MAX_TIMELINE_LIMIT = 100;

export interface EventFilter {
  readonly limit: number | undefined;
  readonly types: readonly string[] | undefined;
  readonly notTypes: readonly string[];
  readonly senders: readonly string[] | undefined;
  readonly notSenders: readonly string[];
}

export interface RoomEventFilter extends EventFilter {
  readonly rooms: readonly string[] | undefined;
  readonly notRooms: readonly string[];
  readonly lazyLoadMembers: boolean;
  readonly includeRedundantMembers: boolean;
}

export interface SyncFilter {
  readonly accountData: EventFilter;
  readonly presence: EventFilter;
  readonly room: {
    readonly rooms: readonly string[] | undefined;
    readonly notRooms: readonly string[];
    readonly includeLeave: boolean;
    readonly timeline: RoomEventFilter;
    readonly state: RoomEventFilter;
    readonly ephemeral: RoomEventFilter;
    readonly accountData: RoomEventFilter;
  };
}

function stringList(object: JsonObject, name: string, path: string): string[] | undefined {
  const value = object[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw badJson(`filter field "${path}${name}" must be an array of strings`);
  }
  return value as string[];
}

function boolField(object: JsonObject, name: string, path: string): boolean {
  const value = object[name];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw badJson(`filter field "${path}${name}" must be a boolean`);
  return value;
}

function objectField(object: JsonObject, name: string, path: string): JsonObject {
  const value: JsonValue | undefined = object[name];
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) throw badJson(`filter field "${path}${name}" must be an object`);
  return value;
}

function parseEventFilter(object: JsonObject, path: string): EventFilter {
  const limit = object['limit'];
  if (limit !== undefined && limit !== null) {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
      throw badJson(`filter field "${path}limit" must be a non-negative integer`);
    }
  }
  return {
    limit: typeof limit === 'number' ? limit : undefined,
    types: stringList(object, 'types', path),
    notTypes: stringList(object, 'not_types', path) ?? [],
    senders: stringList(object, 'senders', path),
    notSenders: stringList(object, 'not_senders', path) ?? [],
  };
}

function parseRoomEventFilter(object: JsonObject, path: string): RoomEventFilter {
  return {
    ...parseEventFilter(object, path),
    rooms: stringList(object, 'rooms', path),
    notRooms: stringList(object, 'not_rooms', path) ?? [],
    lazyLoadMembers: boolField(object, 'lazy_load_members', path),
    includeRedundantMembers: boolField(object, 'include_redundant_members', path),
  };
}

export function parseSyncFilter(filter: JsonObject): SyncFilter {
  const room = objectField(filter, 'room', '');
  return {
    accountData: parseEventFilter(objectField(filter, 'account_data', ''), 'account_data.'),
    presence: parseEventFilter(objectField(filter, 'presence', ''), 'presence.'),
    room: {
      rooms: stringList(room, 'rooms', 'room.'),
      notRooms: stringList(room, 'not_rooms', 'room.') ?? [],
      includeLeave: boolField(room, 'include_leave', 'room.'),
      timeline: parseRoomEventFilter(objectField(room, 'timeline', 'room.'), 'room.timeline.'),
      state: parseRoomEventFilter(objectField(room, 'state', 'room.'), 'room.state.'),
      ephemeral: parseRoomEventFilter(objectField(room, 'ephemeral', 'room.'), 'room.ephemeral.'),
      accountData: parseRoomEventFilter(
        objectField(room, 'account_data', 'room.'),
        'room.account_data.',
      ),
    },
  };
}

export const DEFAULT_SYNC_FILTER: SyncFilter = parseSyncFilter({});

/** `*` matches any run of characters (spec: "A '*' can be used as a wildcard"). */
export function matchesPattern(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(value);
}

function typeAllowed(filter: EventFilter, type: string): boolean {
  if (filter.notTypes.some((pattern) => matchesPattern(pattern, type))) return false;
  return (
    filter.types === undefined || filter.types.some((pattern) => matchesPattern(pattern, type))
  );
}

/** Does an event (of `type` from `sender`; sender undefined for account data) pass? */
export function eventAllowed(filter: EventFilter, type: string, sender?: string): boolean {
  if (!typeAllowed(filter, type)) return false;
  if (sender === undefined) return true;
  if (filter.notSenders.includes(sender)) return false;
  return filter.senders === undefined || filter.senders.includes(sender);
}

/** Room lists of a room event filter (and of the room filter itself). */
export function roomAllowed(
  filter: { rooms: readonly string[] | undefined; notRooms: readonly string[] },
  roomId: string,
): boolean {
  if (filter.notRooms.includes(roomId)) return false;
  return filter.rooms === undefined || filter.rooms.includes(roomId);
}

export function timelineLimit(filter: SyncFilter): number {
  return Math.min(filter.room.timeline.limit ?? DEFAULT_TIMELINE_LIMIT, MAX_TIMELINE_LIMIT);
}
