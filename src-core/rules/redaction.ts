/**
 * The redaction algorithm (spec: room versions → "Redactions"; v1, v6, v8, v9 and v11 each
 * changed it). It decides what survives a redaction, and — because the reference hash and event
 * signatures are computed over the redacted form — it is part of every event ID and signature
 * check, so it must match other servers byte for byte. Each difference is a room-version flag:
 *
 * - `specialCasedAliasesAuth` (v1–v5): `m.room.aliases` keeps `aliases` (dropped by MSC2432).
 * - `restrictedJoins` (v8+): `m.room.join_rules` keeps `allow`.
 * - `redactionKeepsJoinAuthorisedVia` (v9+): member events keep
 *   `join_authorised_via_users_server`.
 * - `updatedRedactionRules` (v11+; MSC2176, MSC3821, MSC3989): top-level `origin`, `membership`
 *   and `prev_state` are no longer kept; create events keep all content; power levels keep
 *   `invite`; redactions keep `content.redacts`; member events keep `third_party_invite.signed`.
 *
 * v12 uses the v11 algorithm unchanged.
 */
import type { JsonObject, JsonValue } from './json';
import { isJsonObject } from './json';
import type { RoomVersion } from './room-versions';

const KEPT_TOP_LEVEL_KEYS: readonly string[] = [
  'event_id',
  'type',
  'room_id',
  'sender',
  'state_key',
  'content',
  'hashes',
  'signatures',
  'depth',
  'prev_events',
  'auth_events',
  'origin_server_ts',
];

/** Kept before v11 (MSC2176 stopped protecting them). */
const LEGACY_KEPT_TOP_LEVEL_KEYS: readonly string[] = ['origin', 'membership', 'prev_state'];

const POWER_LEVELS_KEPT_KEYS: readonly string[] = [
  'ban',
  'events',
  'events_default',
  'kick',
  'redact',
  'state_default',
  'users',
  'users_default',
];

function pick(source: JsonObject, keys: readonly string[], into: JsonObject): void {
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined && Object.hasOwn(source, key)) into[key] = value;
  }
}

function redactContent(
  type: JsonValue | undefined,
  content: JsonObject,
  version: RoomVersion,
): JsonObject {
  const kept: JsonObject = {};
  switch (type) {
    case 'm.room.member': {
      pick(content, ['membership'], kept);
      if (version.redactionKeepsJoinAuthorisedVia) {
        pick(content, ['join_authorised_via_users_server'], kept);
      }
      if (version.updatedRedactionRules) {
        // MSC3821: only `signed` is needed to re-check a third-party invite join. Like Synapse, an
        // object `third_party_invite` survives (possibly empty); anything else is dropped.
        const invite = content['third_party_invite'];
        if (isJsonObject(invite)) {
          const keptInvite: JsonObject = {};
          pick(invite, ['signed'], keptInvite);
          kept['third_party_invite'] = keptInvite;
        }
      }
      return kept;
    }
    case 'm.room.create':
      // MSC2176: create content (room version, m.federate, …) is never redactable from v11.
      if (version.updatedRedactionRules) return { ...content };
      pick(content, ['creator'], kept);
      return kept;
    case 'm.room.join_rules':
      pick(content, ['join_rule'], kept);
      if (version.restrictedJoins) pick(content, ['allow'], kept);
      return kept;
    case 'm.room.power_levels':
      pick(content, POWER_LEVELS_KEPT_KEYS, kept);
      if (version.updatedRedactionRules) pick(content, ['invite'], kept);
      return kept;
    case 'm.room.aliases':
      if (version.specialCasedAliasesAuth) pick(content, ['aliases'], kept);
      return kept;
    case 'm.room.history_visibility':
      pick(content, ['history_visibility'], kept);
      return kept;
    case 'm.room.redaction':
      // MSC2174/MSC2176: `redacts` moved into content in v11, and is protected there.
      if (version.updatedRedactionRules) pick(content, ['redacts'], kept);
      return kept;
    default:
      return kept;
  }
}

/**
 * Returns the redacted copy of an event (PDU or client-format event) under `version`'s rules.
 * Never mutates its input; redacting twice is the same as redacting once. Kept values are shared
 * with the input, not deep-copied.
 *
 * `unsigned` is dropped, as the spec's list says. (Synapse keeps `unsigned.age_ts` and
 * `replaces_state` on its stored copy; callers that serve redacted events to clients re-add
 * what they need. Hashes and signatures ignore `unsigned` either way.)
 *
 * `content` is always present in the result (`{}` if the input had none or it was not an
 * object), as in Synapse, so the reference hash of a malformed event still matches.
 */
export function redactPdu<T extends JsonObject>(pdu: T, version: RoomVersion): T {
  const redacted: JsonObject = {};
  pick(pdu, KEPT_TOP_LEVEL_KEYS, redacted);
  if (!version.updatedRedactionRules) pick(pdu, LEGACY_KEPT_TOP_LEVEL_KEYS, redacted);
  const content = pdu['content'];
  redacted['content'] = isJsonObject(content) ? redactContent(pdu['type'], content, version) : {};
  // The result has the same shape family as the input: required PDU fields are all kept.
  return redacted as T;
}
