/**
 * The server-default push rules (spec: client-server API, push module, "Predefined Rules", as of
 * v1.17, which dropped the legacy body-matching rules `.m.rule.contains_display_name`,
 * `.m.rule.contains_user_name` and `.m.rule.roomnotif`). Order within each kind is the spec's
 * and is significant: the first matching rule wins.
 *
 * Until users can edit push rules, this is what GET /pushrules/ returns for everyone.
 */
import type { JsonObject, JsonValue } from '../rules/json';

export interface PushRuleSet {
  override: JsonObject[];
  content: JsonObject[];
  room: JsonObject[];
  sender: JsonObject[];
  underride: JsonObject[];
}

const sound = (value: string): JsonObject => ({ set_tweak: 'sound', value });
const HIGHLIGHT: JsonObject = { set_tweak: 'highlight' };

function rule(ruleId: string, conditions: JsonObject[], actions: JsonValue[], enabled = true) {
  return { rule_id: ruleId, default: true, enabled, conditions, actions };
}

function eventMatch(key: string, pattern: string): JsonObject {
  return { kind: 'event_match', key, pattern };
}

export function defaultPushRules(userId: string): PushRuleSet {
  return {
    override: [
      rule('.m.rule.master', [], [], false),
      rule('.m.rule.suppress_notices', [eventMatch('content.msgtype', 'm.notice')], []),
      rule(
        '.m.rule.invite_for_me',
        [
          eventMatch('type', 'm.room.member'),
          eventMatch('content.membership', 'invite'),
          eventMatch('state_key', userId),
        ],
        ['notify', sound('default')],
      ),
      rule('.m.rule.member_event', [eventMatch('type', 'm.room.member')], []),
      rule(
        '.m.rule.is_user_mention',
        [{ kind: 'event_property_contains', key: 'content.m\\.mentions.user_ids', value: userId }],
        ['notify', sound('default'), HIGHLIGHT],
      ),
      rule(
        '.m.rule.is_room_mention',
        [
          { kind: 'event_property_is', key: 'content.m\\.mentions.room', value: true },
          { kind: 'sender_notification_permission', key: 'room' },
        ],
        ['notify', HIGHLIGHT],
      ),
      rule(
        '.m.rule.tombstone',
        [eventMatch('type', 'm.room.tombstone'), eventMatch('state_key', '')],
        ['notify', HIGHLIGHT],
      ),
      rule('.m.rule.reaction', [eventMatch('type', 'm.reaction')], []),
      rule(
        '.m.rule.room.server_acl',
        [eventMatch('type', 'm.room.server_acl'), eventMatch('state_key', '')],
        [],
      ),
      rule(
        '.m.rule.suppress_edits',
        [{ kind: 'event_property_is', key: 'content.m\\.relates_to.rel_type', value: 'm.replace' }],
        [],
      ),
    ],
    content: [],
    room: [],
    sender: [],
    underride: [
      rule('.m.rule.call', [eventMatch('type', 'm.call.invite')], ['notify', sound('ring')]),
      rule(
        '.m.rule.encrypted_room_one_to_one',
        [{ kind: 'room_member_count', is: '2' }, eventMatch('type', 'm.room.encrypted')],
        ['notify', sound('default')],
      ),
      rule(
        '.m.rule.room_one_to_one',
        [{ kind: 'room_member_count', is: '2' }, eventMatch('type', 'm.room.message')],
        ['notify', sound('default')],
      ),
      rule('.m.rule.message', [eventMatch('type', 'm.room.message')], ['notify']),
      rule('.m.rule.encrypted', [eventMatch('type', 'm.room.encrypted')], ['notify']),
    ],
  };
}
