/**
 * Format validation of a PDU received over federation, per room version: the first of the
 * "checks performed on receipt of a PDU" (server-server spec), before signatures, hashes and auth.
 *
 * Sources: the PDU schemas (matrix-spec `data/api/server-server/definitions/pdu_v*.yaml`), the
 * size limits (client-server spec "Size limits"), the room version pages, and what Synapse
 * (`event_from_pdu_json`, `_check_size_limits`, its Rust event formats) and Ruma
 * (`check_pdu_format`) refuse. Every version difference comes from a flag in room-versions.ts.
 *
 * Where Synapse is more lenient than the spec we follow the spec only when the event could never
 * be processed anyway (e.g. an unparseable prev_event ID can never be fetched); each such choice
 * is commented where it is made.
 */
import { MAX_SAFE_CANONICAL_INTEGER } from '../canonical-json/canonical-json';
import type { Pdu } from '../events/pdu';
import { utf8ByteLength } from '../identifiers/identifier-result';
import { parseEventId } from '../identifiers/event-id';
import { createEventIdOfRoom, parseRoomId } from '../identifiers/room-id';
import { parseUserId } from '../identifiers/user-id';
import type { JsonObject } from '../json';
import type { RoomVersion } from '../room-versions';
import { formatError, type EventFormatError } from './event-format-error';
import { checkJsonShape, isPlainObject } from './json-shape';
import { checkIntegerPowerLevels } from './power-levels-format';

/** Client-server spec "Size limits": the whole federation-format event, as canonical JSON. */
export const MAX_PDU_BYTES = 65_536;
/** Spec PDU schemas (rooms v1 event format): prev_events "less than or equal to 20". */
export const MAX_PREV_EVENTS = 20;
/** Spec PDU schemas: auth_events "less than or equal to 10". */
export const MAX_AUTH_EVENTS = 10;
/** `type` and `state_key` are capped at 255 bytes like the identifiers (size limits). */
export const MAX_FIELD_BYTES = 255;
/**
 * Deepest JSON nesting we accept. The spec sets none, but every implementation has one: Synapse
 * inherits Python's recursion limit (about 1000), serde_json (Ruma, tuwunel) stops at 128. We
 * match Synapse so we never refuse what it accepts, and it keeps our own recursive code
 * (canonical JSON, redaction) well inside Node's stack.
 */
export const MAX_JSON_NESTING = 1000;

export interface ValidatePduOptions {
  /** Lower the 65,536-byte event cap (local policy); it can never be raised above the spec's. */
  readonly maxEventBytes?: number;
}

export type ValidatePduResult = { ok: true; pdu: Pdu } | { ok: false; error: EventFormatError };

type Check = EventFormatError | undefined;

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function wrongType(path: string, expected: string, value: unknown): EventFormatError {
  return formatError('wrong_type', path, `${path} must be ${expected}, got ${kindOf(value)}`);
}

function missing(path: string): EventFormatError {
  return formatError('missing_field', path, `${path} is required`);
}

/** A string field capped at 255 bytes. */
function checkSizedString(value: unknown, path: string): Check {
  if (typeof value !== 'string') return wrongType(path, 'a string', value);
  // Synapse counts code points strictly in every version and bytes strictly only from v11,
  // storing older byte-only offenders as rejected; the spec has said bytes since v1.11 and the
  // outcome (rejection) is the same, so we count bytes everywhere.
  if (utf8ByteLength(value) > MAX_FIELD_BYTES) {
    return formatError('too_large', path, `${path} is longer than ${MAX_FIELD_BYTES} bytes`);
  }
  return undefined;
}

function checkEventReference(item: unknown, path: string, version: RoomVersion): Check {
  let id: unknown = item;
  if (version.eventIdFormat === 'v1') {
    // v1/v2: `[event_id, {algorithm: hash}]`. Like Synapse we require the pair's shape but not a
    // particular algorithm: only the ID is ever used.
    if (!Array.isArray(item) || item.length !== 2) {
      return wrongType(path, 'an [event_id, hashes] pair', item);
    }
    const hashes: unknown = item[1];
    if (!isPlainObject(hashes)) return wrongType(`${path}[1]`, 'an object of hashes', hashes);
    for (const [algorithm, hash] of Object.entries(hashes)) {
      if (typeof hash !== 'string') return wrongType(`${path}[1].${algorithm}`, 'a string', hash);
    }
    id = item[0];
    path = `${path}[0]`;
  }
  if (typeof id !== 'string') return wrongType(path, 'an event ID string', id);
  // Synapse does not parse these, but an ID of the wrong shape for the room version names no
  // event that can exist, so the event could never be authorised.
  const parsed = parseEventId(id, version);
  if (!parsed.ok) return formatError('bad_identifier', path, `${path}: ${parsed.reason}`);
  return undefined;
}

function checkReferenceList(
  pdu: JsonObject,
  field: 'prev_events' | 'auth_events',
  version: RoomVersion,
): Check {
  const path = `$.${field}`;
  if (!Object.hasOwn(pdu, field)) return missing(path);
  const list = pdu[field];
  if (!Array.isArray(list)) return wrongType(path, 'an array', list);
  const max = field === 'prev_events' ? MAX_PREV_EVENTS : MAX_AUTH_EVENTS;
  if (list.length > max) {
    return formatError(
      field === 'prev_events' ? 'too_many_prev_events' : 'too_many_auth_events',
      path,
      `${path} has ${list.length} entries; at most ${max} are allowed`,
    );
  }
  for (let i = 0; i < list.length; i++) {
    const problem = checkEventReference(list[i], `${path}[${i}]`, version);
    if (problem) return problem;
  }
  return undefined;
}

function checkHashes(pdu: JsonObject): Check {
  if (!Object.hasOwn(pdu, 'hashes')) return missing('$.hashes');
  const hashes = pdu['hashes'];
  if (!isPlainObject(hashes)) return wrongType('$.hashes', 'an object', hashes);
  if (!Object.hasOwn(hashes, 'sha256')) return missing('$.hashes.sha256');
  for (const [algorithm, hash] of Object.entries(hashes)) {
    if (typeof hash !== 'string') return wrongType(`$.hashes.${algorithm}`, 'a string', hash);
  }
  return undefined;
}

function checkSignatures(pdu: JsonObject): Check {
  if (!Object.hasOwn(pdu, 'signatures')) return missing('$.signatures');
  const signatures = pdu['signatures'];
  if (!isPlainObject(signatures)) return wrongType('$.signatures', 'an object', signatures);
  // Server names and key IDs are not policed here: signature checking ignores entries it does
  // not need, and refusing an event over a stray extra signature would split the room.
  for (const [server, keys] of Object.entries(signatures)) {
    const serverPath = `$.signatures.${server}`;
    if (!isPlainObject(keys)) return wrongType(serverPath, 'an object', keys);
    for (const [keyId, signature] of Object.entries(keys)) {
      if (typeof signature !== 'string') {
        return wrongType(`${serverPath}.${keyId}`, 'a string', signature);
      }
    }
  }
  return undefined;
}

function isCreateEvent(pdu: JsonObject): boolean {
  return pdu['type'] === 'm.room.create' && pdu['state_key'] === '';
}

function checkRoomId(pdu: JsonObject, version: RoomVersion): Check {
  const present = Object.hasOwn(pdu, 'room_id');
  if (version.roomIdFromCreateEvent && isCreateEvent(pdu)) {
    // v12 (MSC4291): the room ID is derived from the create event, which therefore cannot carry
    // one (auth rule 1.2; Synapse refuses it when parsing).
    if (present) {
      return formatError(
        'unexpected_field',
        '$.room_id',
        'a v12+ create event must not have a room_id',
      );
    }
    return undefined;
  }
  if (!present) return missing('$.room_id');
  const roomId = pdu['room_id'];
  const problem = checkSizedString(roomId, '$.room_id');
  if (problem) return problem;
  const parsed = parseRoomId(roomId as string, version);
  if (!parsed.ok) return formatError('bad_identifier', '$.room_id', `$.room_id: ${parsed.reason}`);
  return undefined;
}

/** v12: the create event is implied by the room ID, so it is never listed in auth_events. */
function checkCreateEventNotListed(pdu: JsonObject, version: RoomVersion): Check {
  if (!version.roomIdFromCreateEvent) return undefined;
  const authEvents = pdu['auth_events'] as unknown[];
  if (isCreateEvent(pdu)) {
    // Nothing can authorise the first event of a room (auth event selection picks nothing), and
    // without a room ID there is nothing to check such entries against.
    if (authEvents.length > 0) {
      return formatError(
        'forbidden_auth_event',
        '$.auth_events[0]',
        'a v12+ create event must not list auth_events',
      );
    }
    return undefined;
  }
  const createId = createEventIdOfRoom(pdu['room_id'] as string);
  const index = authEvents.indexOf(createId);
  if (index !== -1) {
    return formatError(
      'forbidden_auth_event',
      `$.auth_events[${index}]`,
      `auth_events must not list the create event ${createId}: the room ID already names it`,
    );
  }
  return undefined;
}

function checkEventIdField(pdu: JsonObject, version: RoomVersion): Check {
  const present = Object.hasOwn(pdu, 'event_id');
  if (version.eventIdFormat !== 'v1') {
    // v3+: the ID is the reference hash, computed by the receiver (rooms v3 "Event format").
    // Synapse refuses an explicit one, since it would compete with the computed ID.
    if (present) {
      return formatError(
        'unexpected_field',
        '$.event_id',
        'event_id must be absent in this room version: it is computed from the event',
      );
    }
    return undefined;
  }
  if (!present) return missing('$.event_id');
  const eventId = pdu['event_id'];
  if (typeof eventId !== 'string') return wrongType('$.event_id', 'a string', eventId);
  const parsed = parseEventId(eventId, version);
  if (!parsed.ok)
    return formatError('bad_identifier', '$.event_id', `$.event_id: ${parsed.reason}`);
  return undefined;
}

function checkRedacts(pdu: JsonObject, content: JsonObject, version: RoomVersion): Check {
  if (pdu['type'] !== 'm.room.redaction') return undefined;
  if (version.redactsInContent) {
    // v11+ (MSC2174): `redacts` lives in content, and the v11 redaction algorithm keeps it, so
    // even a redacted redaction has one. Its grammar is not checked (nor by Synapse): a target
    // that names no event simply redacts nothing.
    if (!Object.hasOwn(content, 'redacts')) return missing('$.content.redacts');
    const redacts = content['redacts'];
    if (typeof redacts !== 'string') return wrongType('$.content.redacts', 'a string', redacts);
    return undefined;
  }
  // Before v11 the top-level `redacts` is stripped by redaction, so it may be absent.
  if (Object.hasOwn(pdu, 'redacts') && typeof pdu['redacts'] !== 'string') {
    return wrongType('$.redacts', 'a string', pdu['redacts']);
  }
  return undefined;
}

function checkMember(pdu: JsonObject, content: JsonObject): Check {
  if (pdu['type'] !== 'm.room.member') return undefined;
  // Auth rule 5.1 rejects a member event without state_key or membership; both survive
  // redaction, so every well-formed member event has them.
  if (!Object.hasOwn(pdu, 'state_key')) return missing('$.state_key');
  const stateKey = pdu['state_key'] as string;
  const target = parseUserId(stateKey, 'historical');
  if (!target.ok) {
    return formatError('bad_identifier', '$.state_key', `member state_key: ${target.reason}`);
  }
  if (!Object.hasOwn(content, 'membership')) return missing('$.content.membership');
  const membership = content['membership'];
  if (typeof membership !== 'string') {
    return wrongType('$.content.membership', 'a string', membership);
  }
  return undefined;
}

function checkTopLevel(pdu: JsonObject, version: RoomVersion): Check {
  // `type` first: other checks (create, member, redaction) depend on it.
  if (!Object.hasOwn(pdu, 'type')) return missing('$.type');
  const typeProblem = checkSizedString(pdu['type'], '$.type');
  if (typeProblem) return typeProblem;

  if (Object.hasOwn(pdu, 'state_key')) {
    const problem = checkSizedString(pdu['state_key'], '$.state_key');
    if (problem) return problem;
  }

  if (!Object.hasOwn(pdu, 'sender')) return missing('$.sender');
  const senderProblem = checkSizedString(pdu['sender'], '$.sender');
  if (senderProblem) return senderProblem;
  // Historical grammar: the spec requires accepting legacy localparts over federation.
  const sender = parseUserId(pdu['sender'] as string, 'historical');
  if (!sender.ok) return formatError('bad_identifier', '$.sender', `$.sender: ${sender.reason}`);

  const roomProblem = checkRoomId(pdu, version);
  if (roomProblem) return roomProblem;

  const eventIdProblem = checkEventIdField(pdu, version);
  if (eventIdProblem) return eventIdProblem;

  if (!Object.hasOwn(pdu, 'content')) return missing('$.content');
  if (!isPlainObject(pdu['content'])) return wrongType('$.content', 'an object', pdu['content']);

  if (!Object.hasOwn(pdu, 'origin_server_ts')) return missing('$.origin_server_ts');
  if (!Number.isInteger(pdu['origin_server_ts'])) {
    return wrongType('$.origin_server_ts', 'an integer', pdu['origin_server_ts']);
  }

  if (!Object.hasOwn(pdu, 'depth')) return missing('$.depth');
  const depth = pdu['depth'];
  if (typeof depth !== 'number' || !Number.isInteger(depth)) {
    return wrongType('$.depth', 'an integer', depth);
  }
  // The schemas allow up to 2^63−1 before v6 and 2^53−1 after; Synapse caps every version at
  // 2^53−1 (MAX_DEPTH), which is also all a JavaScript number holds exactly.
  if (depth < 0 || depth > MAX_SAFE_CANONICAL_INTEGER) {
    return formatError('out_of_range', '$.depth', `depth ${depth} is outside [0, 2^53−1]`);
  }

  const prevProblem = checkReferenceList(pdu, 'prev_events', version);
  if (prevProblem) return prevProblem;
  const authProblem = checkReferenceList(pdu, 'auth_events', version);
  if (authProblem) return authProblem;
  const listedCreate = checkCreateEventNotListed(pdu, version);
  if (listedCreate) return listedCreate;

  const hashesProblem = checkHashes(pdu);
  if (hashesProblem) return hashesProblem;
  const signaturesProblem = checkSignatures(pdu);
  if (signaturesProblem) return signaturesProblem;

  if (Object.hasOwn(pdu, 'unsigned') && !isPlainObject(pdu['unsigned'])) {
    return wrongType('$.unsigned', 'an object', pdu['unsigned']);
  }
  return undefined;
}

function checkContent(pdu: JsonObject, version: RoomVersion): Check {
  const content = pdu['content'] as JsonObject;
  const member = checkMember(pdu, content);
  if (member) return member;
  const redacts = checkRedacts(pdu, content, version);
  if (redacts) return redacts;
  if (pdu['type'] === 'm.room.power_levels' && version.integerOnlyPowerLevels) {
    return checkIntegerPowerLevels(content);
  }
  return undefined;
}

function validate(
  value: unknown,
  version: RoomVersion,
  options: ValidatePduOptions,
): ValidatePduResult {
  if (!isPlainObject(value)) {
    return { ok: false, error: wrongType('$', 'an object', value) };
  }
  const maxBytes = Math.min(options.maxEventBytes ?? MAX_PDU_BYTES, MAX_PDU_BYTES);
  const shape = checkJsonShape(value, {
    strictNumbers: version.strictCanonicalJson,
    maxBytes,
    maxNesting: MAX_JSON_NESTING,
  });
  if (!shape.ok) return shape;
  // From here on `value` is known to be JSON.
  const pdu = value as JsonObject;
  const problem = checkTopLevel(pdu, version) ?? checkContent(pdu, version);
  if (problem) return { ok: false, error: problem };
  return { ok: true, pdu: pdu as Pdu };
}

/**
 * Decides whether `value` is a well-formed PDU for `version`. Never throws: any failure, even an
 * exception from a hostile getter or proxy, comes back as `{ ok: false, error }`.
 */
export function validatePdu(
  value: unknown,
  version: RoomVersion,
  options: ValidatePduOptions = {},
): ValidatePduResult {
  try {
    return validate(value, version, options);
  } catch (cause) {
    return {
      ok: false,
      error: formatError(
        'internal_error',
        '$',
        `validation failed unexpectedly: ${explain(cause)}`,
      ),
    };
  }
}

/** Describes a thrown value without risking a second throw (hostile toString, revoked proxy). */
function explain(cause: unknown): string {
  try {
    return cause instanceof Error ? cause.message : String(cause);
  } catch {
    return 'an unprintable exception';
  }
}
