/**
 * Authorization rules for `m.room.power_levels` (rule 10 in v1–v7 / v12, rule 9 in v8–v11):
 * the content must be well formed, and a sender may only touch levels up to their own.
 */
import type { JsonObject, JsonValue } from '../json';
import { isJsonObject } from '../json';
import type { RoomVersion } from '../room-versions';
import type { AuthContext } from './auth-context';
import type { AuthRuleId } from './auth-rule-ids';
import { describeLevel, reject } from './auth-rule-ids';
import type { AuthVerdict } from './auth-types';
import { ALLOWED } from './auth-types';
import { hasUserIdShape } from './user-id-shape';
import { NAMED_POWER_LEVELS, parsePowerLevelValue, privilegedCreators } from './power-levels';

/**
 * Shape checks. v10+ spells them out (integers only). Earlier versions only name `users`, but
 * both Synapse (`int()` while comparing) and gomatrixserverlib (parsing) also refuse named and
 * `events` values that are not levels in the version's lax sense, so we do as well; the
 * `notifications` map is only looked at from v6 (MSC2209), as in Synapse.
 */
function checkShape(content: JsonObject, version: RoomVersion): AuthVerdict {
  for (const name of NAMED_POWER_LEVELS) {
    const value = content[name];
    if (value !== undefined && parsePowerLevelValue(value, version) === undefined) {
      return reject(
        'power_levels.invalid_level',
        `${name} is ${JSON.stringify(value)}, which is not a power level in room version ${version.id}`,
      );
    }
  }
  const maps = version.limitNotificationsPowerLevels ? ['events', 'notifications'] : ['events'];
  for (const mapName of maps) {
    const map = content[mapName];
    if (map === undefined) continue;
    const bad = invalidMapEntry(map, version);
    if (bad !== undefined) {
      return reject(
        'power_levels.invalid_level_map',
        `${mapName} must be an object of power levels, but ${bad}`,
      );
    }
  }
  const users = content['users'];
  if (users !== undefined) {
    if (!isJsonObject(users)) {
      return reject('power_levels.invalid_users', `users must be an object, not ${typeof users}`);
    }
    for (const [userId, value] of Object.entries(users)) {
      if (!hasUserIdShape(userId)) {
        return reject(
          'power_levels.invalid_users',
          `users key ${JSON.stringify(userId)} is not a user ID`,
        );
      }
      if (parsePowerLevelValue(value, version) === undefined) {
        return reject(
          'power_levels.invalid_users',
          `users entry for ${userId} is ${JSON.stringify(value)}, which is not a power level in room version ${version.id}`,
        );
      }
    }
  }
  return ALLOWED;
}

function invalidMapEntry(map: JsonValue, version: RoomVersion): string | undefined {
  if (!isJsonObject(map)) return `it is ${Array.isArray(map) ? 'an array' : typeof map}`;
  for (const [key, value] of Object.entries(map)) {
    if (parsePowerLevelValue(value, version) === undefined) {
      return `${JSON.stringify(key)} is ${JSON.stringify(value)}`;
    }
  }
  return undefined;
}

function levelIn(
  map: JsonValue | undefined,
  key: string,
  version: RoomVersion,
): number | undefined {
  return isJsonObject(map) ? parsePowerLevelValue(map[key], version) : undefined;
}

function keysOf(...maps: (JsonValue | undefined)[]): Set<string> {
  const keys = new Set<string>();
  for (const map of maps) if (isJsonObject(map)) for (const key of Object.keys(map)) keys.add(key);
  return keys;
}

export function authorizePowerLevels(ctx: AuthContext): AuthVerdict {
  const { event, version } = ctx;
  const next = event.content;
  const shape = checkShape(next, version);
  if (!shape.allowed) return shape;

  // MSC4289: creators' power comes from the create event and cannot be granted or taken here.
  const users = next['users'];
  if (isJsonObject(users)) {
    for (const creator of privilegedCreators(ctx.create, version)) {
      if (creator in users) {
        return reject(
          'power_levels.creator_in_users',
          `${creator} is a room creator and must not be listed in users`,
        );
      }
    }
  }

  const previous = ctx.powerLevels;
  if (!previous) return ALLOWED;
  const current = previous.content;
  const own = ctx.levelOf(event.sender);
  const ownText = describeLevel(own);

  // Values are compared parsed, so "50" → 50 (v1–v9) is not a change, as in Synapse.
  for (const name of NAMED_POWER_LEVELS) {
    const before = parsePowerLevelValue(current[name], version);
    const after = parsePowerLevelValue(next[name], version);
    if (before === after) continue;
    if (before !== undefined && before > own) {
      return reject(
        'power_levels.named_current_above_own',
        `${event.sender} (power level ${ownText}) cannot change ${name}, currently ${before}`,
      );
    }
    if (after !== undefined && after > own) {
      return reject(
        'power_levels.named_new_above_own',
        `${event.sender} (power level ${ownText}) cannot set ${name} to ${after}`,
      );
    }
  }

  const maps: ['events' | 'notifications', AuthRuleId, AuthRuleId][] = [
    ['events', 'power_levels.events_current_above_own', 'power_levels.events_new_above_own'],
  ];
  if (version.limitNotificationsPowerLevels) {
    maps.push([
      'notifications',
      'power_levels.notifications_current_above_own',
      'power_levels.notifications_new_above_own',
    ]);
  }
  for (const [mapName, currentRule, newRule] of maps) {
    for (const key of keysOf(current[mapName], next[mapName])) {
      const before = levelIn(current[mapName], key, version);
      const after = levelIn(next[mapName], key, version);
      if (before === after) continue;
      if (before !== undefined && before > own) {
        return reject(
          currentRule,
          `${event.sender} (power level ${ownText}) cannot change ${mapName}[${key}], currently ${before}`,
        );
      }
      if (after !== undefined && after > own) {
        return reject(
          newRule,
          `${event.sender} (power level ${ownText}) cannot set ${mapName}[${key}] to ${after}`,
        );
      }
    }
  }

  for (const userId of keysOf(current['users'], next['users'])) {
    const before = levelIn(current['users'], userId, version);
    const after = levelIn(next['users'], userId, version);
    if (before === after) continue;
    if (userId !== event.sender && before !== undefined && before >= own) {
      return reject(
        'power_levels.demote_peer_or_superior',
        `${event.sender} (power level ${ownText}) cannot change the level of ${userId}, currently ${before}`,
      );
    }
    if (after !== undefined && after > own) {
      return reject(
        'power_levels.raise_above_own',
        `${event.sender} (power level ${ownText}) cannot give ${userId} power level ${after}`,
      );
    }
  }
  return ALLOWED;
}
