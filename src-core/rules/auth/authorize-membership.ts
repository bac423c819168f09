/**
 * Authorization rules for `m.room.member` (rule 5 in v1–v7 / v12, rule 4 in v8–v11): join,
 * invite (including third-party invites), leave/kick/unban, ban and knock (v7+), with
 * restricted (v8+) and knock_restricted (v10+) join rules.
 */
import { isJsonObject } from '../json';
import type { AuthContext } from './auth-context';
import { describeLevel, reject } from './auth-rule-ids';
import type { AuthVerdict } from './auth-types';
import { ALLOWED } from './auth-types';
import { legacyRoomCreator } from './power-levels';
import { verifyJsonSignature } from '../signing/verify-json';
import { thirdPartyInviteSignatureMatches } from './third-party-invite-signature';

function currentJoinRule(ctx: AuthContext): string {
  const rule = ctx.state.get('m.room.join_rules', '')?.content['join_rule'];
  // Synapse and gomatrixserverlib treat a room without join rules as invite-only.
  if (rule === undefined) return 'invite';
  return typeof rule === 'string' ? rule : JSON.stringify(rule);
}

export function authorizeMembership(ctx: AuthContext): AuthVerdict {
  const { event } = ctx;
  const membership = event.content['membership'];
  const target = event.stateKey;
  if (target === undefined || typeof membership !== 'string') {
    return reject(
      'member.missing_state_key_or_membership',
      `m.room.member event ${event.eventId} needs a state_key and a string content.membership`,
    );
  }
  switch (membership) {
    case 'join':
      return authorizeJoin(ctx, target);
    case 'invite':
      return authorizeInvite(ctx, target);
    case 'leave':
      return authorizeLeave(ctx, target);
    case 'ban':
      return authorizeBan(ctx, target);
    case 'knock':
      if (ctx.version.knock) return authorizeKnock(ctx, target);
      break;
  }
  return reject(
    'member.unknown_membership',
    `membership ${JSON.stringify(membership)} is not known in room version ${ctx.version.id}`,
  );
}

function authorizeJoin(ctx: AuthContext, target: string): AuthVerdict {
  const { event, create, version } = ctx;
  // The creator's own first join, straight after the create event, precedes any join rules.
  const prev = event.prevEventIds;
  if (
    prev.length === 1 &&
    prev[0] === create.eventId &&
    target === legacyRoomCreator(create, version)
  ) {
    return ALLOWED;
  }
  if (event.sender !== target) {
    return reject(
      'member.join.sender_mismatch',
      `${event.sender} cannot join on behalf of ${target}`,
    );
  }
  const current = ctx.membershipOf(target);
  if (current === 'ban') {
    return reject('member.join.banned', `${target} is banned from the room`);
  }
  const joinRule = currentJoinRule(ctx);
  const invitedOrJoined = current === 'invite' || current === 'join';
  if (joinRule === 'invite' || (version.knock && joinRule === 'knock')) {
    if (invitedOrJoined) return ALLOWED;
    return reject(
      'member.join.not_invited',
      `${target} cannot join a room with join rule "${joinRule}" without an invite (membership is ${current})`,
    );
  }
  if (
    (version.restrictedJoins && joinRule === 'restricted') ||
    (version.knockRestrictedJoins && joinRule === 'knock_restricted')
  ) {
    if (invitedOrJoined) return ALLOWED;
    return authorizeRestrictedJoin(ctx, target, joinRule);
  }
  if (joinRule === 'public') return ALLOWED;
  return reject(
    'member.join.join_rule_forbids',
    `join rule ${joinRule} does not let anyone join in room version ${version.id}`,
  );
}

/**
 * MSC3083: a resident server vouches for the join by naming one of its users who can invite.
 * That the event is also signed by that user's server (rule 4.2 / 5.2) is a signature check,
 * done with the other signature checks on receipt of the PDU.
 */
function authorizeRestrictedJoin(ctx: AuthContext, target: string, joinRule: string): AuthVerdict {
  const authoriser = ctx.event.content['join_authorised_via_users_server'];
  if (typeof authoriser !== 'string') {
    return reject(
      'member.join.restricted.no_authoriser',
      `${target} is not invited to this ${joinRule} room and the join names no join_authorised_via_users_server`,
    );
  }
  const authoriserMembership = ctx.membershipOf(authoriser);
  if (authoriserMembership !== 'join') {
    return reject(
      'member.join.restricted.authoriser_not_joined',
      `${authoriser}, who authorised the join of ${target}, is not joined to the room (membership is ${authoriserMembership})`,
    );
  }
  const level = ctx.levelOf(authoriser);
  const invite = ctx.named('invite');
  if (level < invite) {
    return reject(
      'member.join.restricted.authoriser_cannot_invite',
      `${authoriser}, who authorised the join of ${target}, has power level ${describeLevel(level)}, below the invite level ${invite}`,
    );
  }
  return ALLOWED;
}

function authorizeInvite(ctx: AuthContext, target: string): AuthVerdict {
  const { event } = ctx;
  if ('third_party_invite' in event.content) return authorizeThirdPartyInvite(ctx, target);
  const senderMembership = ctx.membershipOf(event.sender);
  if (senderMembership !== 'join') {
    return reject(
      'member.invite.sender_not_joined',
      `${event.sender} cannot invite while not joined (membership is ${senderMembership})`,
    );
  }
  const targetMembership = ctx.membershipOf(target);
  if (targetMembership === 'join') {
    return reject('member.invite.target_joined', `${target} is already joined to the room`);
  }
  if (targetMembership === 'ban') {
    return reject('member.invite.target_banned', `${target} is banned from the room`);
  }
  const level = ctx.levelOf(event.sender);
  const invite = ctx.named('invite');
  if (level < invite) {
    return reject(
      'member.invite.insufficient_power',
      `${event.sender} has power level ${describeLevel(level)}, below the invite level ${invite}`,
    );
  }
  return ALLOWED;
}

function authorizeThirdPartyInvite(ctx: AuthContext, target: string): AuthVerdict {
  const { event } = ctx;
  if (ctx.membershipOf(target) === 'ban') {
    return reject('member.third_party_invite.target_banned', `${target} is banned from the room`);
  }
  const thirdPartyInvite = event.content['third_party_invite'];
  const signed = isJsonObject(thirdPartyInvite) ? thirdPartyInvite['signed'] : undefined;
  if (!isJsonObject(signed)) {
    return reject(
      'member.third_party_invite.missing_signed',
      `content.third_party_invite of ${event.eventId} has no signed object`,
    );
  }
  const mxid = signed['mxid'];
  const token = signed['token'];
  if (typeof mxid !== 'string' || typeof token !== 'string') {
    return reject(
      'member.third_party_invite.missing_mxid_or_token',
      `content.third_party_invite.signed of ${event.eventId} needs string mxid and token`,
    );
  }
  if (mxid !== target) {
    return reject(
      'member.third_party_invite.mxid_mismatch',
      `the third-party invite was signed for ${mxid}, but the membership is for ${target}`,
    );
  }
  const inviteEvent = ctx.state.get('m.room.third_party_invite', token);
  if (!inviteEvent) {
    return reject(
      'member.third_party_invite.no_invite_event',
      `there is no m.room.third_party_invite with token ${JSON.stringify(token)} in the room`,
    );
  }
  if (inviteEvent.sender !== event.sender) {
    return reject(
      'member.third_party_invite.sender_mismatch',
      `the third-party invite was made by ${inviteEvent.sender}, not ${event.sender}`,
    );
  }
  if (!thirdPartyInviteSignatureMatches(signed, inviteEvent.content, verifyJsonSignature)) {
    return reject(
      'member.third_party_invite.bad_signature',
      `no signature on the third-party invite for ${target} matches a public key of m.room.third_party_invite ${inviteEvent.eventId}`,
    );
  }
  return ALLOWED;
}

function authorizeLeave(ctx: AuthContext, target: string): AuthVerdict {
  const { event, version } = ctx;
  const targetMembership = ctx.membershipOf(target);
  if (event.sender === target) {
    const canLeave =
      targetMembership === 'invite' ||
      targetMembership === 'join' ||
      (version.knock && targetMembership === 'knock');
    if (canLeave) return ALLOWED;
    return reject(
      'member.leave.not_in_room',
      `${target} cannot leave: their membership is ${targetMembership}`,
    );
  }
  const senderMembership = ctx.membershipOf(event.sender);
  if (senderMembership !== 'join') {
    return reject(
      'member.leave.sender_not_joined',
      `${event.sender} cannot kick or unban while not joined (membership is ${senderMembership})`,
    );
  }
  const level = ctx.levelOf(event.sender);
  const ban = ctx.named('ban');
  if (targetMembership === 'ban' && level < ban) {
    return reject(
      'member.leave.unban_insufficient_power',
      `${event.sender} has power level ${describeLevel(level)}, below the ban level ${ban} needed to unban ${target}`,
    );
  }
  const kick = ctx.named('kick');
  if (level < kick) {
    return reject(
      'member.leave.kick_insufficient_power',
      `${event.sender} has power level ${describeLevel(level)}, below the kick level ${kick}`,
    );
  }
  const targetLevel = ctx.levelOf(target);
  if (targetLevel >= level) {
    return reject(
      'member.leave.kick_target_not_lower',
      `${event.sender} (power level ${describeLevel(level)}) cannot remove ${target} (power level ${describeLevel(targetLevel)})`,
    );
  }
  return ALLOWED;
}

function authorizeBan(ctx: AuthContext, target: string): AuthVerdict {
  const { event } = ctx;
  const senderMembership = ctx.membershipOf(event.sender);
  if (senderMembership !== 'join') {
    return reject(
      'member.ban.sender_not_joined',
      `${event.sender} cannot ban while not joined (membership is ${senderMembership})`,
    );
  }
  const level = ctx.levelOf(event.sender);
  const ban = ctx.named('ban');
  if (level < ban) {
    return reject(
      'member.ban.insufficient_power',
      `${event.sender} has power level ${describeLevel(level)}, below the ban level ${ban}`,
    );
  }
  const targetLevel = ctx.levelOf(target);
  if (targetLevel >= level) {
    return reject(
      'member.ban.target_not_lower',
      `${event.sender} (power level ${describeLevel(level)}) cannot ban ${target} (power level ${describeLevel(targetLevel)})`,
    );
  }
  return ALLOWED;
}

function authorizeKnock(ctx: AuthContext, target: string): AuthVerdict {
  const { event, version } = ctx;
  const joinRule = currentJoinRule(ctx);
  if (joinRule !== 'knock' && !(version.knockRestrictedJoins && joinRule === 'knock_restricted')) {
    return reject(
      'member.knock.join_rule_forbids',
      `the room's join rule is ${joinRule}, which does not allow knocking in room version ${version.id}`,
    );
  }
  if (event.sender !== target) {
    return reject('member.knock.sender_mismatch', `${event.sender} cannot knock for ${target}`);
  }
  const current = ctx.membershipOf(target);
  if (current === 'ban' || current === 'invite' || current === 'join') {
    return reject(
      'member.knock.already_member',
      `${target} cannot knock: their membership is already ${current}`,
    );
  }
  return ALLOWED;
}
