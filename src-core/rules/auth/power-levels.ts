/**
 * Reading `m.room.power_levels` (spec: client-server "m.room.power_levels" and the room versions'
 * "Authorization rules"). Two questions drive everything here: how powerful is a user, and how
 * much power does an event need.
 *
 * Lenient by design: the auth rules reject a malformed power-levels event when it is sent, so a
 * value that still fails to parse here (state we inherited, or an event that was accepted by an
 * older, laxer version) falls back to the default rather than throwing.
 */
import type { JsonObject, JsonValue } from '../json';
import { isJsonObject } from '../json';
import type { RoomEvent } from '../events/room-event';
import type { RoomVersion } from '../room-versions';

/** The level a creator has when no `m.room.power_levels` event exists (v1–v11). */
export const CREATOR_DEFAULT_POWER_LEVEL = 100;

/** The top-level integer properties of power levels, with their defaults (spec event schema). */
export const NAMED_POWER_LEVEL_DEFAULTS = {
  users_default: 0,
  events_default: 0,
  state_default: 50,
  ban: 50,
  kick: 50,
  redact: 50,
  invite: 0,
} as const;

export type NamedPowerLevel = keyof typeof NAMED_POWER_LEVEL_DEFAULTS;

export const NAMED_POWER_LEVELS = Object.keys(NAMED_POWER_LEVEL_DEFAULTS) as NamedPowerLevel[];

/** `notifications.room` (who may @room) defaults to 50. */
export const ROOM_NOTIFICATION_DEFAULT_LEVEL = 50;

/** Power levels with every default applied. */
export interface PowerLevels {
  readonly users: ReadonlyMap<string, number>;
  readonly usersDefault: number;
  readonly events: ReadonlyMap<string, number>;
  readonly eventsDefault: number;
  /** 50 also when there is no power-levels event at all (spec, and Synapse `get_send_level`). */
  readonly stateDefault: number;
  readonly ban: number;
  readonly kick: number;
  readonly redact: number;
  readonly invite: number;
  readonly notifications: ReadonlyMap<string, number>;
}

// Spec fragment "v1-stringy-power-levels": base-10 digits, optional sign, any leading zeroes,
// surrounding whitespace allowed (Python's `int()`, which Synapse applies, accepts the same).
const STRINGY_INTEGER = /^\s*[+-]?[0-9]+\s*$/;

/**
 * One power-level value as the room version reads it, or undefined when it is not a valid level.
 * - v1–v5 (no strict canonical JSON): floats are truncated toward zero (fragment
 *   "v1-floaty-power-levels"); non-finite values are invalid.
 * - v1–v9: strings holding an integer are accepted ("v1-stringy-power-levels").
 * - v10+: integers only.
 */
export function parsePowerLevelValue(
  value: JsonValue | undefined,
  version: RoomVersion,
): number | undefined {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value === 0 ? 0 : value;
    if (!version.strictCanonicalJson && Number.isFinite(value)) return Math.trunc(value) || 0;
    return undefined;
  }
  if (typeof value === 'string' && !version.integerOnlyPowerLevels && STRINGY_INTEGER.test(value)) {
    const parsed = Number(value.trim());
    return Number.isSafeInteger(parsed) ? parsed || 0 : undefined;
  }
  return undefined;
}

function parseLevelMap(value: JsonValue | undefined, version: RoomVersion): Map<string, number> {
  const result = new Map<string, number>();
  if (!isJsonObject(value)) return result;
  for (const [key, raw] of Object.entries(value)) {
    const level = parsePowerLevelValue(raw, version);
    if (level !== undefined) result.set(key, level);
  }
  return result;
}

function named(content: JsonObject, name: NamedPowerLevel, version: RoomVersion): number {
  return parsePowerLevelValue(content[name], version) ?? NAMED_POWER_LEVEL_DEFAULTS[name];
}

/** Normalises power-levels content; `undefined` (no event in the room) gives the defaults. */
export function parsePowerLevels(
  content: JsonObject | undefined,
  version: RoomVersion,
): PowerLevels {
  const c = content ?? {};
  return {
    users: parseLevelMap(c['users'], version),
    usersDefault: named(c, 'users_default', version),
    events: parseLevelMap(c['events'], version),
    eventsDefault: named(c, 'events_default', version),
    stateDefault: named(c, 'state_default', version),
    ban: named(c, 'ban', version),
    kick: named(c, 'kick', version),
    redact: named(c, 'redact', version),
    invite: named(c, 'invite', version),
    notifications: parseLevelMap(c['notifications'], version),
  };
}

/** The value of one of the named levels (`ban`, `invite`, ...), defaults applied. */
export function namedPowerLevel(
  name: NamedPowerLevel,
  powerLevels: RoomEvent | undefined,
  version: RoomVersion,
): number {
  return powerLevels ? named(powerLevels.content, name, version) : NAMED_POWER_LEVEL_DEFAULTS[name];
}

/**
 * The user who gets level 100 when the room has no power-levels event: `content.creator` of the
 * create event in v1–v10, its sender from v11 (MSC2175).
 */
export function legacyRoomCreator(create: RoomEvent, version: RoomVersion): string | undefined {
  if (version.creatorIsSender) return create.sender;
  const creator = create.content['creator'];
  return typeof creator === 'string' ? creator : undefined;
}

/**
 * v12 (MSC4289) room creators: the create event's sender plus `content.additional_creators`.
 * Empty for earlier versions, which have no privileged creators.
 */
export function privilegedCreators(
  create: RoomEvent | undefined,
  version: RoomVersion,
): ReadonlySet<string> {
  const creators = new Set<string>();
  if (!version.privilegedCreators || !create) return creators;
  creators.add(create.sender);
  const additional = create.content['additional_creators'];
  if (Array.isArray(additional)) {
    for (const entry of additional) if (typeof entry === 'string') creators.add(entry);
  }
  return creators;
}

/**
 * A user's power level: `Infinity` for a v12 creator, else their `users` entry or
 * `users_default`; with no power-levels event, 100 for the creator and 0 for everyone else.
 */
export function userPowerLevel(
  userId: string,
  powerLevels: RoomEvent | undefined,
  create: RoomEvent | undefined,
  version: RoomVersion,
): number {
  if (privilegedCreators(create, version).has(userId)) return Infinity;
  if (powerLevels) {
    const content = powerLevels.content;
    const users = content['users'];
    const own = isJsonObject(users) ? parsePowerLevelValue(users[userId], version) : undefined;
    return own ?? named(content, 'users_default', version);
  }
  if (create && legacyRoomCreator(create, version) === userId) return CREATOR_DEFAULT_POWER_LEVEL;
  return 0;
}

/**
 * The spec's "required power level" for sending an event of this type: its `events` entry, else
 * `state_default` for state events and `events_default` for others.
 */
export function requiredPowerLevelForEvent(
  eventType: string,
  isState: boolean,
  powerLevels: RoomEvent | undefined,
  version: RoomVersion,
): number {
  const content = powerLevels?.content ?? {};
  const events = content['events'];
  const specific = isJsonObject(events)
    ? parsePowerLevelValue(events[eventType], version)
    : undefined;
  if (specific !== undefined) return specific;
  return named(content, isState ? 'state_default' : 'events_default', version);
}
