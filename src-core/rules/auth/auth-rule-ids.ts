/**
 * Every way the authorization rules can reject an event, as stable dotted ids. They are stored
 * with rejected events and shown (and filtered on) in the GUI, so never rename one; add new ids
 * instead. The comment on each names the rule in the spec's v12 numbering unless stated.
 */
import type { AuthRejection } from './auth-types';

export const AUTH_RULE_IDS = [
  // 1. m.room.create
  'create.prev_events_not_empty', // 1.1
  'create.room_id_domain_mismatch', // 1.2 (v1–v11)
  'create.room_id_present', // 1.2 (v12)
  'create.unknown_room_version', // 1.3
  'create.missing_creator', // 1.4 (v1–v10)
  'create.invalid_additional_creators', // 1.4 (v12)
  // The create event the event is judged against.
  'create.missing', // no create event in the state (v1–v11 rule 2.4, v12 rule 2)
  'create.room_id_mismatch', // v1–v11 rule 2.5 for the create event; v12 rule 2
  // 2 (3 in v12). Auth events are consistent: see checkAuthEventsList.
  'auth_events.not_provided',
  'auth_events.duplicate',
  'auth_events.unexpected',
  'auth_events.rejected',
  'auth_events.missing_create',
  'auth_events.room_id_mismatch',
  // m.federate
  'federate.disallowed',
  // m.room.aliases (v1–v5)
  'aliases.no_state_key',
  'aliases.state_key_not_sender_domain',
  // m.room.member
  'member.missing_state_key_or_membership',
  'member.join.sender_mismatch',
  'member.join.banned',
  'member.join.not_invited',
  'member.join.restricted.no_authoriser',
  'member.join.restricted.authoriser_not_joined',
  'member.join.restricted.authoriser_cannot_invite',
  'member.join.join_rule_forbids',
  'member.third_party_invite.target_banned',
  'member.third_party_invite.missing_signed',
  'member.third_party_invite.missing_mxid_or_token',
  'member.third_party_invite.mxid_mismatch',
  'member.third_party_invite.no_invite_event',
  'member.third_party_invite.sender_mismatch',
  'member.third_party_invite.bad_signature',
  'member.invite.sender_not_joined',
  'member.invite.target_joined',
  'member.invite.target_banned',
  'member.invite.insufficient_power',
  'member.leave.not_in_room',
  'member.leave.sender_not_joined',
  'member.leave.unban_insufficient_power',
  'member.leave.kick_insufficient_power',
  'member.leave.kick_target_not_lower',
  'member.ban.sender_not_joined',
  'member.ban.insufficient_power',
  'member.ban.target_not_lower',
  'member.knock.join_rule_forbids',
  'member.knock.sender_mismatch',
  'member.knock.already_member',
  'member.unknown_membership',
  // Everything else.
  'event.sender_not_joined',
  'third_party_invite.insufficient_power',
  'event.insufficient_power',
  'state.state_key_is_other_user',
  // m.room.power_levels
  'power_levels.invalid_level',
  'power_levels.invalid_level_map',
  'power_levels.invalid_users',
  'power_levels.creator_in_users',
  'power_levels.named_current_above_own',
  'power_levels.named_new_above_own',
  'power_levels.events_current_above_own',
  'power_levels.events_new_above_own',
  'power_levels.notifications_current_above_own',
  'power_levels.notifications_new_above_own',
  'power_levels.demote_peer_or_superior',
  'power_levels.raise_above_own',
  // m.room.redaction (v1–v2)
  'redaction.insufficient_power',
] as const;

export type AuthRuleId = (typeof AUTH_RULE_IDS)[number];

export function reject(rule: AuthRuleId, reason: string): AuthRejection {
  return { allowed: false, rule, reason };
}

/** Power levels in sentences: v12 creators have infinite power. */
export function describeLevel(level: number): string {
  return level === Infinity ? 'infinite (room creator)' : String(level);
}
