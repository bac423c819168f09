/**
 * The room authorization rules (spec "Authorization rules" of rooms v1–v12): may this event be
 * applied on top of this state? Used for all three checks on receipt of a PDU (against its auth
 * events, the state before it and the current state) and inside state resolution.
 *
 * Every difference between versions comes from a `RoomVersion` flag. Signature checks (the
 * sender's server, and from v8 the `join_authorised_via_users_server` user's server) are done
 * with the other signature checks on receipt, not here; the "auth events are consistent" rule
 * lives in `checkAuthEventsList`, since it judges the cited list rather than a state.
 */
import type { RoomEvent } from '../events/room-event';
import type { RoomVersion } from '../room-versions';
import { findRoomVersion } from '../room-versions';
import { serverNameOf } from '../identifiers/server-name-of';
import { isValidUserId } from '../identifiers/user-id';
import { buildAuthContext } from './auth-context';
import type { AuthContext } from './auth-context';
import { describeLevel, reject } from './auth-rule-ids';
import type { AuthStateLookup, AuthVerdict } from './auth-types';
import { ALLOWED } from './auth-types';
import { authorizeMembership } from './authorize-membership';
import { authorizePowerLevels } from './authorize-power-levels';
import { requiredPowerLevelForEvent } from './power-levels';

export { AUTH_RULE_IDS } from './auth-rule-ids';
export type { AuthRuleId } from './auth-rule-ids';
export { checkAuthEventsList } from './check-auth-events-list';

/** v12 (MSC4291): the room ID is the create event's ID with the `!` sigil. */
export function roomIdOfCreateEvent(createEventId: string): string {
  return `!${createEventId.slice(1)}`;
}

export function authorizeEvent(
  event: RoomEvent,
  state: AuthStateLookup,
  version: RoomVersion,
): AuthVerdict {
  if (event.type === 'm.room.create') return authorizeCreate(event, version);

  const create = state.get('m.room.create', '');
  if (!create) {
    return reject('create.missing', `no m.room.create event is known for ${event.eventId}`);
  }
  const expectedRoomId = version.roomIdFromCreateEvent
    ? roomIdOfCreateEvent(create.eventId)
    : create.roomId;
  if (expectedRoomId !== event.roomId) {
    return reject(
      'create.room_id_mismatch',
      `${event.eventId} is in room ${event.roomId}, but the create event ${create.eventId} is for ${expectedRoomId}`,
    );
  }

  if (create.content['m.federate'] === false) {
    const home = serverNameOf(create.sender);
    const origin = serverNameOf(event.sender);
    if (home !== origin) {
      return reject(
        'federate.disallowed',
        `the room does not federate: ${event.sender} is not on the creator's server ${home ?? '?'}`,
      );
    }
  }

  if (version.specialCasedAliasesAuth && event.type === 'm.room.aliases') {
    return authorizeAliases(event);
  }

  const ctx = buildAuthContext(event, state, version, create);
  if (event.type === 'm.room.member') return authorizeMembership(ctx);

  const membership = ctx.membershipOf(event.sender);
  if (membership !== 'join') {
    return reject(
      'event.sender_not_joined',
      `${event.sender} is not joined to the room (membership is ${membership})`,
    );
  }

  if (event.type === 'm.room.third_party_invite') {
    const level = ctx.levelOf(event.sender);
    const invite = ctx.named('invite');
    if (level >= invite) return ALLOWED;
    return reject(
      'third_party_invite.insufficient_power',
      `${event.sender} has power level ${describeLevel(level)}, below the invite level ${invite}`,
    );
  }

  const isState = event.stateKey !== undefined;
  const required = requiredPowerLevelForEvent(event.type, isState, ctx.powerLevels, version);
  const level = ctx.levelOf(event.sender);
  if (required > level) {
    return reject(
      'event.insufficient_power',
      `${event.sender} has power level ${describeLevel(level)}, but ${isState ? 'state event' : 'event'} ${event.type} requires ${required}`,
    );
  }

  if (event.stateKey?.startsWith('@') && event.stateKey !== event.sender) {
    return reject(
      'state.state_key_is_other_user',
      `${event.sender} cannot set state keyed to another user (${event.stateKey})`,
    );
  }

  if (event.type === 'm.room.power_levels') return authorizePowerLevels(ctx);

  // v1–v2 only: event IDs carry the origin's domain, so a server may redact its own events.
  // From v3 the redact level is applied when the redaction is shown (spec "Handling redactions").
  if (event.type === 'm.room.redaction' && version.eventIdFormat === 'v1') {
    return authorizeLegacyRedaction(ctx);
  }
  return ALLOWED;
}

function authorizeCreate(event: RoomEvent, version: RoomVersion): AuthVerdict {
  if (event.prevEventIds.length > 0) {
    return reject(
      'create.prev_events_not_empty',
      `the create event ${event.eventId} has prev_events ${event.prevEventIds.join(', ')}`,
    );
  }
  if (version.roomIdFromCreateEvent) {
    if ('room_id' in event.pdu) {
      return reject(
        'create.room_id_present',
        `the create event carries room_id ${JSON.stringify(event.pdu['room_id'])}; from room version 12 the room ID is derived from its event ID`,
      );
    }
  } else if (
    serverNameOf(event.roomId) === undefined ||
    serverNameOf(event.roomId) !== serverNameOf(event.sender)
  ) {
    return reject(
      'create.room_id_domain_mismatch',
      `room ID ${event.roomId} is not on the server of its creator ${event.sender}`,
    );
  }
  const roomVersion = event.content['room_version'];
  if (
    roomVersion !== undefined &&
    (typeof roomVersion !== 'string' || findRoomVersion(roomVersion) === undefined)
  ) {
    return reject(
      'create.unknown_room_version',
      `content.room_version ${JSON.stringify(roomVersion)} is not a room version we recognise`,
    );
  }
  if (!version.creatorIsSender && !('creator' in event.content)) {
    return reject(
      'create.missing_creator',
      `room version ${version.id} requires content.creator on the create event`,
    );
  }
  if (version.privilegedCreators && 'additional_creators' in event.content) {
    const additional = event.content['additional_creators'];
    const bad = !Array.isArray(additional)
      ? 'it is not an array'
      : additional
          .filter((entry) => typeof entry !== 'string' || !isValidUserId(entry, 'historical'))
          .map((entry) => `${JSON.stringify(entry)} is not a valid user ID`)[0];
    if (bad !== undefined) {
      return reject('create.invalid_additional_creators', `content.additional_creators: ${bad}`);
    }
  }
  return ALLOWED;
}

function authorizeAliases(event: RoomEvent): AuthVerdict {
  if (event.stateKey === undefined) {
    return reject('aliases.no_state_key', `m.room.aliases event ${event.eventId} has no state_key`);
  }
  const domain = serverNameOf(event.sender);
  if (event.stateKey !== domain) {
    return reject(
      'aliases.state_key_not_sender_domain',
      `${event.sender} may only set m.room.aliases for their own server ${domain ?? '?'}, not ${JSON.stringify(event.stateKey)}`,
    );
  }
  return ALLOWED;
}

function authorizeLegacyRedaction(ctx: AuthContext): AuthVerdict {
  const { event } = ctx;
  const level = ctx.levelOf(event.sender);
  const redact = ctx.named('redact');
  if (level >= redact) return ALLOWED;
  const own = serverNameOf(event.eventId);
  const target = event.redacts;
  if (target !== undefined && own !== undefined && serverNameOf(target) === own) return ALLOWED;
  return reject(
    'redaction.insufficient_power',
    `${event.sender} has power level ${describeLevel(level)}, below the redact level ${redact}, and ${target ?? '(no target)'} was not sent from ${own ?? 'their server'}`,
  );
}
