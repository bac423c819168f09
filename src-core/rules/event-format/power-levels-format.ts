/**
 * Room v10+ (`integerOnlyPowerLevels`): power level values must be real integers, not the strings
 * (or floats) earlier versions tolerated. Spec rooms/v10 auth rules 10.1–10.3 and Synapse's
 * `_check_power_levels`:
 * - `users_default`, `events_default`, `state_default`, `ban`, `redact`, `kick`, `invite`, when
 *   present, are integers;
 * - `events` and `notifications`, when present, are objects whose values are integers;
 * - `users`, when present, is an object keyed by valid user IDs with integer values.
 *
 * These are auth rules in the spec, but they depend on nothing but the event itself, so we
 * reject here, before any state is loaded. Older versions are left to the auth rules, which must
 * understand stringy and floaty levels anyway.
 */
import { parseUserId } from '../identifiers/user-id';
import type { JsonObject } from '../json';
import { formatError, type EventFormatError } from './event-format-error';
import { isPlainObject } from './json-shape';

const LEVEL_KEYS = [
  'users_default',
  'events_default',
  'state_default',
  'ban',
  'redact',
  'kick',
  'invite',
] as const;

const MAP_KEYS = ['events', 'notifications', 'users'] as const;

export function checkIntegerPowerLevels(content: JsonObject): EventFormatError | undefined {
  for (const key of LEVEL_KEYS) {
    if (!Object.hasOwn(content, key)) continue;
    const value = content[key];
    if (!Number.isInteger(value)) {
      return formatError(
        'non_integer_power_level',
        `$.content.${key}`,
        `power level ${key} must be an integer in this room version, got ${JSON.stringify(value)}`,
      );
    }
  }
  for (const key of MAP_KEYS) {
    if (!Object.hasOwn(content, key)) continue;
    const map = content[key];
    if (!isPlainObject(map)) {
      return formatError('wrong_type', `$.content.${key}`, `power levels ${key} must be an object`);
    }
    for (const [name, value] of Object.entries(map)) {
      const path = `$.content.${key}.${name}`;
      if (key === 'users' && !parseUserId(name, 'historical').ok) {
        return formatError(
          'bad_identifier',
          path,
          `power levels users key ${JSON.stringify(name)} is not a user ID`,
        );
      }
      if (!Number.isInteger(value)) {
        return formatError(
          'non_integer_power_level',
          path,
          `power level for ${JSON.stringify(name)} must be an integer in this room version, got ${JSON.stringify(value)}`,
        );
      }
    }
  }
  return undefined;
}
