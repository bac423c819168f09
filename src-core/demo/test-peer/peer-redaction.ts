/**
 * Redaction, as far as hashing and signing need it (spec "Redactions" in the room version
 * pages): v10 keeps the pre-v11 key lists; v11+ applies MSC2176 (drops top-level `origin`,
 * `membership`, `prev_state`; keeps `invite` in power levels and all create content), MSC3821
 * (member `third_party_invite.signed`) and MSC2174 (`redacts` in redaction content).
 */
import type { PeerJsonObject } from './peer-json';
import { isPeerJsonObject } from './peer-json';
import type { PeerRoomVersion } from './peer-room-versions';

const TOP_LEVEL_KEPT = [
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
/** Kept before v11 only (MSC2176 removed them). */
const TOP_LEVEL_KEPT_BEFORE_V11 = ['origin', 'membership', 'prev_state'];

const POWER_LEVEL_KEYS = [
  'ban',
  'events',
  'events_default',
  'kick',
  'redact',
  'state_default',
  'users',
  'users_default',
];

function pick(content: PeerJsonObject, keys: readonly string[]): PeerJsonObject {
  const kept: PeerJsonObject = {};
  for (const key of keys) {
    const value = content[key];
    if (value !== undefined) kept[key] = value;
  }
  return kept;
}

function redactContent(
  type: string,
  content: PeerJsonObject,
  version: PeerRoomVersion,
): PeerJsonObject {
  const updated = version.updatedRedaction;
  switch (type) {
    case 'm.room.member': {
      const kept = pick(content, ['membership', 'join_authorised_via_users_server']);
      const invite = content['third_party_invite'];
      if (updated && isPeerJsonObject(invite) && invite['signed'] !== undefined) {
        kept['third_party_invite'] = { signed: invite['signed'] };
      }
      return kept;
    }
    case 'm.room.create':
      return updated ? { ...content } : pick(content, ['creator']);
    case 'm.room.join_rules':
      return pick(content, ['join_rule', 'allow']);
    case 'm.room.power_levels':
      return pick(content, updated ? [...POWER_LEVEL_KEYS, 'invite'] : POWER_LEVEL_KEYS);
    case 'm.room.history_visibility':
      return pick(content, ['history_visibility']);
    case 'm.room.redaction':
      return updated ? pick(content, ['redacts']) : {};
    default:
      return {};
  }
}

/** The redacted form of a PDU (a new object; the input is untouched). */
export function redactPdu(pdu: PeerJsonObject, version: PeerRoomVersion): PeerJsonObject {
  const keep = version.updatedRedaction
    ? TOP_LEVEL_KEPT
    : [...TOP_LEVEL_KEPT, ...TOP_LEVEL_KEPT_BEFORE_V11];
  const redacted = pick(pdu, keep);
  const content = pdu['content'];
  const type = pdu['type'];
  redacted['content'] = redactContent(
    typeof type === 'string' ? type : '',
    isPeerJsonObject(content) ? content : {},
    version,
  );
  return redacted;
}
