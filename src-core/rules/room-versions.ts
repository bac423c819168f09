/**
 * The room version registry: every behavioural difference between stable room versions is a
 * feature flag here (gomatrixserverlib's habit), so rules code asks "does this version do X?"
 * instead of comparing version strings.
 *
 * Spec: https://spec.matrix.org/latest/rooms/ (v1–v12).
 */

export const ROOM_VERSION_IDS = [
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '10',
  '11',
  '12',
] as const;

export type RoomVersionId = (typeof ROOM_VERSION_IDS)[number];

export const DEFAULT_ROOM_VERSION: RoomVersionId = '12';

export interface RoomVersion {
  readonly id: RoomVersionId;
  /**
   * How event IDs are formed: `v1` = chosen by the origin server (`$opaque:server`, carried in the
   * event, prev/auth events as `[id, {sha256}]` pairs); `v3` = reference hash, standard base64;
   * `v4` = reference hash, URL-safe base64.
   */
  readonly eventIdFormat: 'v1' | 'v3' | 'v4';
  /** `v1` (room v1), `v2` (v2–v11), `v2.1` (v12, MSC4297). */
  readonly stateResolution: 'v1' | 'v2' | 'v2.1';
  /** v5+: a signature only counts if the key was valid at origin_server_ts. */
  readonly enforceSigningKeyValidity: boolean;
  /**
   * v1–v5: `m.room.aliases` has its own auth rule (state_key must be the sender's domain) and
   * keeps `aliases` when redacted; MSC2432 removed both in v6 (Synapse keys both off one flag).
   */
  readonly specialCasedAliasesAuth: boolean;
  /** v6+: canonical JSON rejects floats and integers outside ±(2^53−1) in events. */
  readonly strictCanonicalJson: boolean;
  /** v6+: `notifications` in power levels is checked by the auth rules. */
  readonly limitNotificationsPowerLevels: boolean;
  /** v7+: `knock` join rule and membership. */
  readonly knock: boolean;
  /** v8+: `restricted` join rule with `join_authorised_via_users_server`. */
  readonly restrictedJoins: boolean;
  /** v9+: redaction keeps `join_authorised_via_users_server` in member content. */
  readonly redactionKeepsJoinAuthorisedVia: boolean;
  /** v10+: `knock_restricted` join rule. */
  readonly knockRestrictedJoins: boolean;
  /** v10+: power level values must be integers, not strings. */
  readonly integerOnlyPowerLevels: boolean;
  /** v11+: the create event has no `creator`; the creator is its sender (MSC2175). */
  readonly creatorIsSender: boolean;
  /**
   * v11+: updated redaction rules (MSC2176, MSC3821, MSC3989) and `redacts` moved into content
   * (MSC2174).
   */
  readonly updatedRedactionRules: boolean;
  /** v11+: `redacts` lives in `content` rather than at the top level (MSC2174). */
  readonly redactsInContent: boolean;
  /**
   * v12+: the room ID is `!` + the create event's reference hash (MSC4291); the create event is
   * not listed in auth_events and is found from the room ID instead.
   */
  readonly roomIdFromCreateEvent: boolean;
  /**
   * v12+: the create event's sender and `additional_creators` are creators with infinite power
   * (MSC4289); they may not appear in `users` of power levels.
   */
  readonly privilegedCreators: boolean;
}

const v1: RoomVersion = {
  id: '1',
  eventIdFormat: 'v1',
  stateResolution: 'v1',
  enforceSigningKeyValidity: false,
  specialCasedAliasesAuth: true,
  strictCanonicalJson: false,
  limitNotificationsPowerLevels: false,
  knock: false,
  restrictedJoins: false,
  redactionKeepsJoinAuthorisedVia: false,
  knockRestrictedJoins: false,
  integerOnlyPowerLevels: false,
  creatorIsSender: false,
  updatedRedactionRules: false,
  redactsInContent: false,
  roomIdFromCreateEvent: false,
  privilegedCreators: false,
};

const v2: RoomVersion = { ...v1, id: '2', stateResolution: 'v2' };
const v3: RoomVersion = { ...v2, id: '3', eventIdFormat: 'v3' };
const v4: RoomVersion = { ...v3, id: '4', eventIdFormat: 'v4' };
const v5: RoomVersion = { ...v4, id: '5', enforceSigningKeyValidity: true };
const v6: RoomVersion = {
  ...v5,
  id: '6',
  specialCasedAliasesAuth: false,
  strictCanonicalJson: true,
  limitNotificationsPowerLevels: true,
};
const v7: RoomVersion = { ...v6, id: '7', knock: true };
const v8: RoomVersion = { ...v7, id: '8', restrictedJoins: true };
const v9: RoomVersion = { ...v8, id: '9', redactionKeepsJoinAuthorisedVia: true };
const v10: RoomVersion = {
  ...v9,
  id: '10',
  knockRestrictedJoins: true,
  integerOnlyPowerLevels: true,
};
const v11: RoomVersion = {
  ...v10,
  id: '11',
  creatorIsSender: true,
  updatedRedactionRules: true,
  redactsInContent: true,
};
const v12: RoomVersion = {
  ...v11,
  id: '12',
  stateResolution: 'v2.1',
  roomIdFromCreateEvent: true,
  privilegedCreators: true,
};

const REGISTRY: ReadonlyMap<string, RoomVersion> = new Map(
  [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12].map((v) => [v.id, v]),
);

/** The version's rules, or undefined for a version we do not know (callers answer M_UNSUPPORTED_ROOM_VERSION). */
export function findRoomVersion(id: string): RoomVersion | undefined {
  return REGISTRY.get(id);
}

export function getRoomVersion(id: string): RoomVersion {
  const version = REGISTRY.get(id);
  if (!version) throw new Error(`unsupported room version ${JSON.stringify(id)}`);
  return version;
}

export const KNOWN_ROOM_VERSIONS: readonly RoomVersion[] = [...REGISTRY.values()];
