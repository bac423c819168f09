/**
 * Table-driven authorization rule tests. Each case names the rule it exercises, whether the
 * event must be allowed or rejected by exactly that rule, and the room versions it applies to;
 * it then runs in every one of those versions. The final block checks that every rule id is
 * rejected somewhere and, in every version family where it is rejected, also accepted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../json';
import type { RoomEvent } from '../events/room-event';
import type { RoomVersion } from '../room-versions';
import { KNOWN_ROOM_VERSIONS } from '../room-versions';
import { encodeBase64 } from '../base64';
import { signJson } from '../signing/sign-json';
import type { SigningKey } from '../signing/signing-key';
import { signingKeyFromSeed } from '../signing/signing-key';
import { initCrypto } from '../signing/sodium';
import { authLookupFromEvents } from './auth-lookup';
import type { AuthRuleId } from './auth-rule-ids';
import type { AuthVerdict } from './auth-types';
import { AUTH_RULE_IDS, authorizeEvent, checkAuthEventsList } from './authorize-event';
import type { TestEventSpec } from './test-event-builder';
import { testEvent } from './test-event-builder';

const FAMILIES: Record<string, readonly string[]> = {
  'v1–v2': ['1', '2'],
  'v3–v5': ['3', '4', '5'],
  v6: ['6'],
  v7: ['7'],
  'v8–v9': ['8', '9'],
  v10: ['10'],
  v11: ['11'],
  v12: ['12'],
};

function familyOf(version: RoomVersion): string {
  const family = Object.entries(FAMILIES).find(([, ids]) => ids.includes(version.id));
  if (!family) throw new Error(`no family for room version ${version.id}`);
  return family[0];
}

const ALICE = '@alice:a'; // creator (100, or infinite in v12)
const MOD = '@mod:b'; // 50
const MOD2 = '@mod2:b'; // 50
const BOB = '@bob:b'; // 0
const CAROL = '@carol:c'; // not in the room unless a case says so
const DAVE = '@dave:d';

interface RoomSetup {
  /** `null`: no join rules event (the rules then read it as `invite`). */
  joinRule?: string | null;
  /** Memberships on top of alice/mod/mod2/bob joined; `null` removes one. */
  members?: Record<string, string | null>;
  /** Merged into the default power levels content (`users` merged too); `null`: no event. */
  powerLevels?: JsonObject | null;
  createContent?: JsonObject;
  /** Only the create event (for the creator's first join). */
  bare?: boolean;
  extraState?: TestEventSpec[];
}

interface Room {
  readonly version: RoomVersion;
  readonly roomId: string;
  readonly create: RoomEvent;
  readonly events: RoomEvent[];
  /** An event in this room; defaults: id `$ev`, prev `$prev`, room ID of the room. */
  ev(spec: Omit<TestEventSpec, 'id'> & { id?: string }): RoomEvent;
}

function buildRoom(version: RoomVersion, setup: RoomSetup = {}): Room {
  const roomId = version.roomIdFromCreateEvent ? '!create' : '!room:a';
  const create = testEvent({
    id: '$create',
    type: 'm.room.create',
    stateKey: '',
    sender: ALICE,
    roomId: version.roomIdFromCreateEvent ? null : roomId,
    content: {
      room_version: version.id,
      ...(version.creatorIsSender ? {} : { creator: ALICE }),
      ...setup.createContent,
    },
  });
  const ev: Room['ev'] = (spec) => testEvent({ id: '$ev', prev: ['$prev'], roomId, ...spec });
  const events: RoomEvent[] = [create];
  if (!setup.bare) {
    const members: Record<string, string | null> = {
      [ALICE]: 'join',
      [MOD]: 'join',
      [MOD2]: 'join',
      [BOB]: 'join',
      ...setup.members,
    };
    for (const [user, membership] of Object.entries(members)) {
      if (membership === null) continue;
      events.push(
        ev({
          id: `$member-${user}`,
          type: 'm.room.member',
          stateKey: user,
          sender: user,
          content: { membership },
        }),
      );
    }
    if (setup.powerLevels !== null) {
      const extra = setup.powerLevels ?? {};
      const users: JsonObject = {
        // v12 creators may not be listed: their power comes from the create event.
        ...(version.privilegedCreators ? {} : { [ALICE]: 100 }),
        [MOD]: 50,
        [MOD2]: 50,
        ...(extra['users'] as JsonObject | undefined),
      };
      events.push(
        ev({
          id: '$pl',
          type: 'm.room.power_levels',
          stateKey: '',
          sender: ALICE,
          content: { ...extra, users },
        }),
      );
    }
    const joinRule = setup.joinRule === undefined ? 'invite' : setup.joinRule;
    if (joinRule !== null) {
      events.push(
        ev({
          id: '$join-rules',
          type: 'm.room.join_rules',
          stateKey: '',
          sender: ALICE,
          content: { join_rule: joinRule },
        }),
      );
    }
    for (const spec of setup.extraState ?? []) events.push(ev(spec));
  }
  return { version, roomId, create, events, ev };
}

/** Authorise `event` against the room built by `setup`. */
function judge(
  version: RoomVersion,
  setup: RoomSetup,
  event: (room: Room) => RoomEvent,
): AuthVerdict {
  const room = buildRoom(version, setup);
  return authorizeEvent(event(room), authLookupFromEvents(room.events), version);
}

const member = (sender: string, target: string, membership: string, extra: JsonObject = {}) => ({
  type: 'm.room.member',
  sender,
  stateKey: target,
  content: { membership, ...extra },
});

const message = (sender: string) => ({
  type: 'm.room.message',
  sender,
  content: { body: 'hi' },
});

const powerLevelsBy = (sender: string, content: JsonObject) => ({
  type: 'm.room.power_levels',
  sender,
  stateKey: '',
  content,
});

/** Power levels content as the default room has it, plus changes (users merged). */
function defaultLevels(version: RoomVersion, changes: JsonObject = {}): JsonObject {
  return {
    ...changes,
    users: {
      ...(version.privilegedCreators ? {} : { [ALICE]: 100 }),
      [MOD]: 50,
      [MOD2]: 50,
      ...(changes['users'] as JsonObject | undefined),
    },
  };
}

function createEvent(version: RoomVersion, overrides: Partial<TestEventSpec> = {}): RoomEvent {
  return testEvent({
    id: '$create',
    type: 'm.room.create',
    stateKey: '',
    sender: ALICE,
    roomId: version.roomIdFromCreateEvent ? null : '!room:a',
    content: version.creatorIsSender ? {} : { creator: ALICE },
    ...overrides,
  });
}

type VersionFilter = (v: RoomVersion) => boolean;
const all: VersionFilter = () => true;

interface Case {
  rule: AuthRuleId;
  name: string;
  allowed: boolean;
  versions?: VersionFilter;
  verdict(version: RoomVersion): AuthVerdict;
}

const cases: Case[] = [
  // ---- m.room.create -------------------------------------------------------------------------
  {
    rule: 'create.prev_events_not_empty',
    name: 'a create event without prev_events is allowed',
    allowed: true,
    verdict: (v) => authorizeEvent(createEvent(v), authLookupFromEvents([]), v),
  },
  {
    rule: 'create.prev_events_not_empty',
    name: 'a create event with prev_events is rejected',
    allowed: false,
    verdict: (v) => authorizeEvent(createEvent(v, { prev: ['$x'] }), authLookupFromEvents([]), v),
  },
  {
    rule: 'create.room_id_domain_mismatch',
    name: 'room ID on the creator server is allowed',
    allowed: true,
    versions: (v) => !v.roomIdFromCreateEvent,
    verdict: (v) => authorizeEvent(createEvent(v, { roomId: '!x:a' }), authLookupFromEvents([]), v),
  },
  {
    rule: 'create.room_id_domain_mismatch',
    name: 'room ID on another server is rejected',
    allowed: false,
    versions: (v) => !v.roomIdFromCreateEvent,
    verdict: (v) => authorizeEvent(createEvent(v, { roomId: '!x:b' }), authLookupFromEvents([]), v),
  },
  {
    rule: 'create.room_id_present',
    name: 'v12 create without room_id is allowed',
    allowed: true,
    versions: (v) => v.roomIdFromCreateEvent,
    verdict: (v) => authorizeEvent(createEvent(v, { roomId: null }), authLookupFromEvents([]), v),
  },
  {
    rule: 'create.room_id_present',
    name: 'v12 create with a room_id is rejected',
    allowed: false,
    versions: (v) => v.roomIdFromCreateEvent,
    verdict: (v) =>
      authorizeEvent(createEvent(v, { roomId: '!create' }), authLookupFromEvents([]), v),
  },
  {
    rule: 'create.unknown_room_version',
    name: 'a known content.room_version is allowed',
    allowed: true,
    verdict: (v) => {
      const base = createEvent(v);
      const event = createEvent(v, { content: { ...base.content, room_version: '11' } });
      return authorizeEvent(event, authLookupFromEvents([]), v);
    },
  },
  {
    rule: 'create.unknown_room_version',
    name: 'an unknown content.room_version is rejected',
    allowed: false,
    verdict: (v) => {
      const base = createEvent(v);
      const event = createEvent(v, { content: { ...base.content, room_version: '99' } });
      return authorizeEvent(event, authLookupFromEvents([]), v);
    },
  },
  {
    rule: 'create.unknown_room_version',
    name: 'a non-string content.room_version is rejected',
    allowed: false,
    verdict: (v) => {
      const base = createEvent(v);
      const event = createEvent(v, { content: { ...base.content, room_version: 11 } });
      return authorizeEvent(event, authLookupFromEvents([]), v);
    },
  },
  {
    rule: 'create.missing_creator',
    name: 'content.creator present is allowed',
    allowed: true,
    verdict: (v) =>
      authorizeEvent(createEvent(v, { content: { creator: ALICE } }), authLookupFromEvents([]), v),
  },
  {
    rule: 'create.missing_creator',
    name: 'no content.creator is rejected before v11',
    allowed: false,
    versions: (v) => !v.creatorIsSender,
    verdict: (v) => authorizeEvent(createEvent(v, { content: {} }), authLookupFromEvents([]), v),
  },
  {
    rule: 'create.missing_creator',
    name: 'no content.creator is allowed from v11 (MSC2175)',
    allowed: true,
    versions: (v) => v.creatorIsSender,
    verdict: (v) => authorizeEvent(createEvent(v, { content: {} }), authLookupFromEvents([]), v),
  },
  {
    rule: 'create.invalid_additional_creators',
    name: 'additional_creators of user IDs is allowed',
    allowed: true,
    verdict: (v) => {
      const content = { ...createEvent(v).content, additional_creators: [BOB, CAROL] };
      return authorizeEvent(createEvent(v, { content }), authLookupFromEvents([]), v);
    },
  },
  {
    rule: 'create.invalid_additional_creators',
    name: 'additional_creators with a non-user-ID is rejected in v12',
    allowed: false,
    versions: (v) => v.privilegedCreators,
    verdict: (v) => {
      const content = { ...createEvent(v).content, additional_creators: [BOB, 'carol'] };
      return authorizeEvent(createEvent(v, { content }), authLookupFromEvents([]), v);
    },
  },
  {
    rule: 'create.invalid_additional_creators',
    name: 'additional_creators that is not an array is rejected in v12',
    allowed: false,
    versions: (v) => v.privilegedCreators,
    verdict: (v) => {
      const content = { ...createEvent(v).content, additional_creators: BOB };
      return authorizeEvent(createEvent(v, { content }), authLookupFromEvents([]), v);
    },
  },
  {
    rule: 'create.invalid_additional_creators',
    name: 'additional_creators is not looked at before v12',
    allowed: true,
    versions: (v) => !v.privilegedCreators,
    verdict: (v) => {
      const content = { ...createEvent(v).content, additional_creators: [42] };
      return authorizeEvent(createEvent(v, { content }), authLookupFromEvents([]), v);
    },
  },
  // ---- the create event the event is judged against ------------------------------------------
  {
    rule: 'create.missing',
    name: 'a message with the create event in the state is allowed',
    allowed: true,
    verdict: (v) => judge(v, {}, (r) => r.ev(message(BOB))),
  },
  {
    rule: 'create.missing',
    name: 'a message without any create event is rejected',
    allowed: false,
    verdict: (v) => {
      const room = buildRoom(v);
      const lookup = authLookupFromEvents(room.events.filter((e) => e.type !== 'm.room.create'));
      return authorizeEvent(room.ev(message(BOB)), lookup, v);
    },
  },
  {
    rule: 'create.room_id_mismatch',
    name: 'an event in the create event room is allowed',
    allowed: true,
    verdict: (v) => judge(v, {}, (r) => r.ev({ ...message(BOB), roomId: r.roomId })),
  },
  {
    rule: 'create.room_id_mismatch',
    name: 'an event in another room than the create event is rejected',
    allowed: false,
    verdict: (v) => judge(v, {}, (r) => r.ev({ ...message(BOB), roomId: '!other:a' })),
  },
  {
    rule: 'create.room_id_mismatch',
    name: 'v12: a server-style room ID does not name the create event',
    allowed: false,
    versions: (v) => v.roomIdFromCreateEvent,
    verdict: (v) => judge(v, {}, (r) => r.ev({ ...message(BOB), roomId: '!room:a' })),
  },
  // ---- m.federate ----------------------------------------------------------------------------
  {
    rule: 'federate.disallowed',
    name: 'm.federate false still allows the creator server',
    allowed: true,
    verdict: (v) =>
      judge(v, { createContent: { 'm.federate': false } }, (r) => r.ev(message(ALICE))),
  },
  {
    rule: 'federate.disallowed',
    name: 'm.federate false rejects other servers',
    allowed: false,
    verdict: (v) => judge(v, { createContent: { 'm.federate': false } }, (r) => r.ev(message(BOB))),
  },
  // ---- m.room.aliases (v1–v5) ----------------------------------------------------------------
  {
    rule: 'aliases.no_state_key',
    name: 'aliases for the sender server are allowed even when not joined',
    allowed: true,
    versions: (v) => v.specialCasedAliasesAuth,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev({ type: 'm.room.aliases', sender: DAVE, stateKey: 'd', content: { aliases: [] } }),
      ),
  },
  {
    rule: 'aliases.no_state_key',
    name: 'aliases without a state_key are rejected',
    allowed: false,
    versions: (v) => v.specialCasedAliasesAuth,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev({ type: 'm.room.aliases', sender: BOB, content: { aliases: [] } })),
  },
  {
    rule: 'aliases.state_key_not_sender_domain',
    name: 'aliases keyed to the sender server are allowed',
    allowed: true,
    versions: (v) => v.specialCasedAliasesAuth,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev({ type: 'm.room.aliases', sender: BOB, stateKey: 'b', content: { aliases: [] } }),
      ),
  },
  {
    rule: 'aliases.state_key_not_sender_domain',
    name: 'aliases keyed to another server are rejected',
    allowed: false,
    versions: (v) => v.specialCasedAliasesAuth,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev({ type: 'm.room.aliases', sender: BOB, stateKey: 'a', content: { aliases: [] } }),
      ),
  },
  // ---- m.room.member: shape ------------------------------------------------------------------
  {
    rule: 'member.missing_state_key_or_membership',
    name: 'a member event with a membership is judged further',
    allowed: true,
    verdict: (v) => judge(v, {}, (r) => r.ev(member(BOB, BOB, 'leave'))),
  },
  {
    rule: 'member.missing_state_key_or_membership',
    name: 'a member event without membership is rejected',
    allowed: false,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev({ type: 'm.room.member', sender: BOB, stateKey: BOB, content: {} })),
  },
  {
    rule: 'member.missing_state_key_or_membership',
    name: 'a member event without state_key is rejected',
    allowed: false,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev({ type: 'm.room.member', sender: BOB, content: { membership: 'join' } }),
      ),
  },
  // ---- join ----------------------------------------------------------------------------------
  {
    rule: 'member.join.not_invited',
    name: "the creator's first join straight after the create event is allowed",
    allowed: true,
    verdict: (v) =>
      judge(v, { bare: true }, (r) => r.ev({ ...member(ALICE, ALICE, 'join'), prev: ['$create'] })),
  },
  {
    rule: 'member.join.not_invited',
    name: "the creator's join after other events is judged by the join rule",
    allowed: false,
    verdict: (v) =>
      judge(v, { bare: true }, (r) => r.ev({ ...member(ALICE, ALICE, 'join'), prev: ['$other'] })),
  },
  {
    rule: 'member.join.not_invited',
    name: 'an invited user may join an invite-only room',
    allowed: true,
    verdict: (v) =>
      judge(v, { members: { [CAROL]: 'invite' } }, (r) => r.ev(member(CAROL, CAROL, 'join'))),
  },
  {
    rule: 'member.join.not_invited',
    name: 'an uninvited user may not join an invite-only room',
    allowed: false,
    verdict: (v) => judge(v, {}, (r) => r.ev(member(CAROL, CAROL, 'join'))),
  },
  {
    rule: 'member.join.not_invited',
    name: 'no join rules event reads as invite-only',
    allowed: false,
    verdict: (v) => judge(v, { joinRule: null }, (r) => r.ev(member(CAROL, CAROL, 'join'))),
  },
  {
    rule: 'member.join.not_invited',
    name: 'v7+: an invited user may join a knock room',
    allowed: true,
    versions: (v) => v.knock,
    verdict: (v) =>
      judge(v, { joinRule: 'knock', members: { [CAROL]: 'invite' } }, (r) =>
        r.ev(member(CAROL, CAROL, 'join')),
      ),
  },
  {
    rule: 'member.join.not_invited',
    name: 'v7+: a knocking user may not join a knock room uninvited',
    allowed: false,
    versions: (v) => v.knock,
    verdict: (v) =>
      judge(v, { joinRule: 'knock', members: { [CAROL]: 'knock' } }, (r) =>
        r.ev(member(CAROL, CAROL, 'join')),
      ),
  },
  {
    rule: 'member.join.sender_mismatch',
    name: 'a user joins themself',
    allowed: true,
    verdict: (v) => judge(v, { joinRule: 'public' }, (r) => r.ev(member(CAROL, CAROL, 'join'))),
  },
  {
    rule: 'member.join.sender_mismatch',
    name: 'a user cannot join someone else',
    allowed: false,
    verdict: (v) => judge(v, { joinRule: 'public' }, (r) => r.ev(member(BOB, CAROL, 'join'))),
  },
  {
    rule: 'member.join.banned',
    name: 'a user who left may rejoin a public room',
    allowed: true,
    verdict: (v) =>
      judge(v, { joinRule: 'public', members: { [CAROL]: 'leave' } }, (r) =>
        r.ev(member(CAROL, CAROL, 'join')),
      ),
  },
  {
    rule: 'member.join.banned',
    name: 'a banned user may not join a public room',
    allowed: false,
    verdict: (v) =>
      judge(v, { joinRule: 'public', members: { [CAROL]: 'ban' } }, (r) =>
        r.ev(member(CAROL, CAROL, 'join')),
      ),
  },
  {
    rule: 'member.join.join_rule_forbids',
    name: 'anyone may join a public room',
    allowed: true,
    verdict: (v) => judge(v, { joinRule: 'public' }, (r) => r.ev(member(CAROL, CAROL, 'join'))),
  },
  {
    rule: 'member.join.join_rule_forbids',
    name: 'the private join rule lets nobody join',
    allowed: false,
    verdict: (v) => judge(v, { joinRule: 'private' }, (r) => r.ev(member(CAROL, CAROL, 'join'))),
  },
  {
    rule: 'member.join.join_rule_forbids',
    name: 'before v7, the knock join rule is unknown and lets nobody join',
    allowed: false,
    versions: (v) => !v.knock,
    verdict: (v) =>
      judge(v, { joinRule: 'knock', members: { [CAROL]: 'invite' } }, (r) =>
        r.ev(member(CAROL, CAROL, 'join')),
      ),
  },
  {
    rule: 'member.join.join_rule_forbids',
    name: 'before v8, the restricted join rule lets nobody join',
    allowed: false,
    versions: (v) => !v.restrictedJoins,
    verdict: (v) =>
      judge(v, { joinRule: 'restricted' }, (r) =>
        r.ev(member(CAROL, CAROL, 'join', { join_authorised_via_users_server: MOD })),
      ),
  },
  {
    rule: 'member.join.join_rule_forbids',
    name: 'before v10, the knock_restricted join rule lets nobody join',
    allowed: false,
    versions: (v) => !v.knockRestrictedJoins,
    verdict: (v) =>
      judge(v, { joinRule: 'knock_restricted' }, (r) =>
        r.ev(member(CAROL, CAROL, 'join', { join_authorised_via_users_server: MOD })),
      ),
  },
  // ---- restricted joins (v8+) and knock_restricted (v10+) ------------------------------------
  ...(['restricted', 'knock_restricted'] as const).flatMap((joinRule): Case[] => {
    const supported: VersionFilter =
      joinRule === 'restricted' ? (v) => v.restrictedJoins : (v) => v.knockRestrictedJoins;
    const via = (user: string) => ({ join_authorised_via_users_server: user });
    return [
      {
        rule: 'member.join.restricted.no_authoriser',
        name: `${joinRule}: an invited user needs no authoriser`,
        allowed: true,
        versions: supported,
        verdict: (v) =>
          judge(v, { joinRule, members: { [CAROL]: 'invite' } }, (r) =>
            r.ev(member(CAROL, CAROL, 'join')),
          ),
      },
      {
        rule: 'member.join.restricted.no_authoriser',
        name: `${joinRule}: an uninvited user without an authoriser is rejected`,
        allowed: false,
        versions: supported,
        verdict: (v) => judge(v, { joinRule }, (r) => r.ev(member(CAROL, CAROL, 'join'))),
      },
      {
        rule: 'member.join.restricted.authoriser_not_joined',
        name: `${joinRule}: a joined authoriser who can invite is accepted`,
        allowed: true,
        versions: supported,
        verdict: (v) => judge(v, { joinRule }, (r) => r.ev(member(CAROL, CAROL, 'join', via(BOB)))),
      },
      {
        rule: 'member.join.restricted.authoriser_not_joined',
        name: `${joinRule}: an authoriser who is not joined is rejected`,
        allowed: false,
        versions: supported,
        verdict: (v) =>
          judge(v, { joinRule, members: { [DAVE]: 'invite' } }, (r) =>
            r.ev(member(CAROL, CAROL, 'join', via(DAVE))),
          ),
      },
      {
        rule: 'member.join.restricted.authoriser_cannot_invite',
        name: `${joinRule}: an authoriser at the invite level is accepted`,
        allowed: true,
        versions: supported,
        verdict: (v) =>
          judge(v, { joinRule, powerLevels: { invite: 50 } }, (r) =>
            r.ev(member(CAROL, CAROL, 'join', via(MOD))),
          ),
      },
      {
        rule: 'member.join.restricted.authoriser_cannot_invite',
        name: `${joinRule}: an authoriser below the invite level is rejected`,
        allowed: false,
        versions: supported,
        verdict: (v) =>
          judge(v, { joinRule, powerLevels: { invite: 50 } }, (r) =>
            r.ev(member(CAROL, CAROL, 'join', via(BOB))),
          ),
      },
    ];
  }),
  // ---- invite --------------------------------------------------------------------------------
  {
    rule: 'member.invite.sender_not_joined',
    name: 'a joined member invites',
    allowed: true,
    verdict: (v) => judge(v, {}, (r) => r.ev(member(BOB, CAROL, 'invite'))),
  },
  {
    rule: 'member.invite.sender_not_joined',
    name: 'an invited (not joined) user cannot invite',
    allowed: false,
    verdict: (v) =>
      judge(v, { members: { [DAVE]: 'invite' } }, (r) => r.ev(member(DAVE, CAROL, 'invite'))),
  },
  {
    rule: 'member.invite.target_joined',
    name: 'a user who left can be invited again',
    allowed: true,
    verdict: (v) =>
      judge(v, { members: { [CAROL]: 'leave' } }, (r) => r.ev(member(BOB, CAROL, 'invite'))),
  },
  {
    rule: 'member.invite.target_joined',
    name: 'a joined user cannot be invited',
    allowed: false,
    verdict: (v) => judge(v, {}, (r) => r.ev(member(BOB, MOD, 'invite'))),
  },
  {
    rule: 'member.invite.target_banned',
    name: 'an invited user can be invited again',
    allowed: true,
    verdict: (v) =>
      judge(v, { members: { [CAROL]: 'invite' } }, (r) => r.ev(member(BOB, CAROL, 'invite'))),
  },
  {
    rule: 'member.invite.target_banned',
    name: 'a banned user cannot be invited',
    allowed: false,
    verdict: (v) =>
      judge(v, { members: { [CAROL]: 'ban' } }, (r) => r.ev(member(MOD, CAROL, 'invite'))),
  },
  {
    rule: 'member.invite.insufficient_power',
    name: 'a sender at the invite level invites',
    allowed: true,
    verdict: (v) =>
      judge(v, { powerLevels: { invite: 50 } }, (r) => r.ev(member(MOD, CAROL, 'invite'))),
  },
  {
    rule: 'member.invite.insufficient_power',
    name: 'a sender below the invite level cannot invite',
    allowed: false,
    verdict: (v) =>
      judge(v, { powerLevels: { invite: 50 } }, (r) => r.ev(member(BOB, CAROL, 'invite'))),
  },
  {
    rule: 'member.invite.insufficient_power',
    name: 'v12: a creator listed nowhere in power levels can still invite at any level',
    allowed: true,
    versions: (v) => v.privilegedCreators,
    verdict: (v) =>
      judge(v, { powerLevels: { invite: 9007199254740991 } }, (r) =>
        r.ev(member(ALICE, CAROL, 'invite')),
      ),
  },
  // ---- leave / kick / unban ------------------------------------------------------------------
  {
    rule: 'member.leave.not_in_room',
    name: 'a joined user leaves',
    allowed: true,
    verdict: (v) => judge(v, {}, (r) => r.ev(member(BOB, BOB, 'leave'))),
  },
  {
    rule: 'member.leave.not_in_room',
    name: 'an invited user rejects the invite',
    allowed: true,
    verdict: (v) =>
      judge(v, { members: { [CAROL]: 'invite' } }, (r) => r.ev(member(CAROL, CAROL, 'leave'))),
  },
  {
    rule: 'member.leave.not_in_room',
    name: 'a user who already left cannot leave',
    allowed: false,
    verdict: (v) =>
      judge(v, { members: { [CAROL]: 'leave' } }, (r) => r.ev(member(CAROL, CAROL, 'leave'))),
  },
  {
    rule: 'member.leave.not_in_room',
    name: 'a banned user cannot unban themself',
    allowed: false,
    verdict: (v) =>
      judge(v, { members: { [CAROL]: 'ban' } }, (r) => r.ev(member(CAROL, CAROL, 'leave'))),
  },
  {
    rule: 'member.leave.not_in_room',
    name: 'v7+: a knocking user may withdraw the knock',
    allowed: true,
    versions: (v) => v.knock,
    verdict: (v) =>
      judge(v, { members: { [CAROL]: 'knock' } }, (r) => r.ev(member(CAROL, CAROL, 'leave'))),
  },
  {
    rule: 'member.leave.not_in_room',
    name: 'before v7, knock is no membership one can leave',
    allowed: false,
    versions: (v) => !v.knock,
    verdict: (v) =>
      judge(v, { members: { [CAROL]: 'knock' } }, (r) => r.ev(member(CAROL, CAROL, 'leave'))),
  },
  {
    rule: 'member.leave.sender_not_joined',
    name: 'a joined moderator kicks',
    allowed: true,
    verdict: (v) => judge(v, {}, (r) => r.ev(member(MOD, BOB, 'leave'))),
  },
  {
    rule: 'member.leave.sender_not_joined',
    name: 'a moderator who is not joined cannot kick',
    allowed: false,
    verdict: (v) =>
      judge(v, { members: { [MOD]: 'leave' } }, (r) => r.ev(member(MOD, BOB, 'leave'))),
  },
  {
    rule: 'member.leave.unban_insufficient_power',
    name: 'a sender at the ban level unbans',
    allowed: true,
    verdict: (v) =>
      judge(v, { members: { [CAROL]: 'ban' }, powerLevels: { ban: 50 } }, (r) =>
        r.ev(member(MOD, CAROL, 'leave')),
      ),
  },
  {
    rule: 'member.leave.unban_insufficient_power',
    name: 'a sender below the ban level cannot unban',
    allowed: false,
    verdict: (v) =>
      judge(v, { members: { [CAROL]: 'ban' }, powerLevels: { ban: 60 } }, (r) =>
        r.ev(member(MOD, CAROL, 'leave')),
      ),
  },
  {
    rule: 'member.leave.kick_insufficient_power',
    name: 'a sender at the kick level kicks a lower user',
    allowed: true,
    verdict: (v) => judge(v, { powerLevels: { kick: 50 } }, (r) => r.ev(member(MOD, BOB, 'leave'))),
  },
  {
    rule: 'member.leave.kick_insufficient_power',
    name: 'a sender below the kick level cannot kick',
    allowed: false,
    verdict: (v) =>
      judge(v, { powerLevels: { kick: 60 }, members: { [CAROL]: 'join' } }, (r) =>
        r.ev(member(MOD, CAROL, 'leave')),
      ),
  },
  {
    rule: 'member.leave.kick_target_not_lower',
    name: 'the creator kicks a moderator',
    allowed: true,
    verdict: (v) => judge(v, {}, (r) => r.ev(member(ALICE, MOD, 'leave'))),
  },
  {
    rule: 'member.leave.kick_target_not_lower',
    name: 'a moderator cannot kick an equal',
    allowed: false,
    verdict: (v) => judge(v, {}, (r) => r.ev(member(MOD, MOD2, 'leave'))),
  },
  {
    rule: 'member.leave.kick_target_not_lower',
    name: 'v12: a creator cannot kick another creator (both infinite)',
    allowed: false,
    versions: (v) => v.privilegedCreators,
    verdict: (v) =>
      judge(
        v,
        { createContent: { additional_creators: [DAVE] }, members: { [DAVE]: 'join' } },
        (r) => r.ev(member(DAVE, ALICE, 'leave')),
      ),
  },
  // ---- ban -----------------------------------------------------------------------------------
  {
    rule: 'member.ban.sender_not_joined',
    name: 'a joined moderator bans',
    allowed: true,
    verdict: (v) => judge(v, {}, (r) => r.ev(member(MOD, CAROL, 'ban'))),
  },
  {
    rule: 'member.ban.sender_not_joined',
    name: 'a moderator who is not joined cannot ban',
    allowed: false,
    verdict: (v) =>
      judge(v, { members: { [MOD]: 'invite' } }, (r) => r.ev(member(MOD, CAROL, 'ban'))),
  },
  {
    rule: 'member.ban.insufficient_power',
    name: 'a sender at the ban level bans',
    allowed: true,
    verdict: (v) => judge(v, { powerLevels: { ban: 50 } }, (r) => r.ev(member(MOD, BOB, 'ban'))),
  },
  {
    rule: 'member.ban.insufficient_power',
    name: 'a sender below the ban level cannot ban',
    allowed: false,
    verdict: (v) => judge(v, { powerLevels: { ban: 51 } }, (r) => r.ev(member(MOD, BOB, 'ban'))),
  },
  {
    rule: 'member.ban.target_not_lower',
    name: 'the creator bans a moderator',
    allowed: true,
    verdict: (v) => judge(v, {}, (r) => r.ev(member(ALICE, MOD2, 'ban'))),
  },
  {
    rule: 'member.ban.target_not_lower',
    name: 'a moderator cannot ban the creator',
    allowed: false,
    verdict: (v) => judge(v, {}, (r) => r.ev(member(MOD, ALICE, 'ban'))),
  },
  // ---- knock (v7+) ---------------------------------------------------------------------------
  {
    rule: 'member.knock.join_rule_forbids',
    name: 'a stranger knocks on a knock room',
    allowed: true,
    versions: (v) => v.knock,
    verdict: (v) => judge(v, { joinRule: 'knock' }, (r) => r.ev(member(CAROL, CAROL, 'knock'))),
  },
  {
    rule: 'member.knock.join_rule_forbids',
    name: 'knocking on an invite-only room is rejected',
    allowed: false,
    versions: (v) => v.knock,
    verdict: (v) => judge(v, { joinRule: 'invite' }, (r) => r.ev(member(CAROL, CAROL, 'knock'))),
  },
  {
    rule: 'member.knock.join_rule_forbids',
    name: 'v10+: a stranger knocks on a knock_restricted room',
    allowed: true,
    versions: (v) => v.knockRestrictedJoins,
    verdict: (v) =>
      judge(v, { joinRule: 'knock_restricted' }, (r) => r.ev(member(CAROL, CAROL, 'knock'))),
  },
  {
    rule: 'member.knock.join_rule_forbids',
    name: 'v7–v9: knock_restricted is no knock rule',
    allowed: false,
    versions: (v) => v.knock && !v.knockRestrictedJoins,
    verdict: (v) =>
      judge(v, { joinRule: 'knock_restricted' }, (r) => r.ev(member(CAROL, CAROL, 'knock'))),
  },
  {
    rule: 'member.knock.sender_mismatch',
    name: 'a user knocks for themself',
    allowed: true,
    versions: (v) => v.knock,
    verdict: (v) =>
      judge(v, { joinRule: 'knock', members: { [CAROL]: 'leave' } }, (r) =>
        r.ev(member(CAROL, CAROL, 'knock')),
      ),
  },
  {
    rule: 'member.knock.sender_mismatch',
    name: 'a user cannot knock for someone else',
    allowed: false,
    versions: (v) => v.knock,
    verdict: (v) => judge(v, { joinRule: 'knock' }, (r) => r.ev(member(BOB, CAROL, 'knock'))),
  },
  {
    rule: 'member.knock.already_member',
    name: 'a user who knocked may knock again',
    allowed: true,
    versions: (v) => v.knock,
    verdict: (v) =>
      judge(v, { joinRule: 'knock', members: { [CAROL]: 'knock' } }, (r) =>
        r.ev(member(CAROL, CAROL, 'knock')),
      ),
  },
  {
    rule: 'member.knock.already_member',
    name: 'an invited user cannot knock',
    allowed: false,
    versions: (v) => v.knock,
    verdict: (v) =>
      judge(v, { joinRule: 'knock', members: { [CAROL]: 'invite' } }, (r) =>
        r.ev(member(CAROL, CAROL, 'knock')),
      ),
  },
  {
    rule: 'member.knock.already_member',
    name: 'a banned user cannot knock',
    allowed: false,
    versions: (v) => v.knock,
    verdict: (v) =>
      judge(v, { joinRule: 'knock', members: { [CAROL]: 'ban' } }, (r) =>
        r.ev(member(CAROL, CAROL, 'knock')),
      ),
  },
  {
    rule: 'member.unknown_membership',
    name: 'a known membership is judged by its own rules',
    allowed: true,
    verdict: (v) => judge(v, {}, (r) => r.ev(member(MOD, CAROL, 'ban'))),
  },
  {
    rule: 'member.unknown_membership',
    name: 'an unknown membership is rejected',
    allowed: false,
    verdict: (v) => judge(v, {}, (r) => r.ev(member(BOB, BOB, 'dance'))),
  },
  {
    rule: 'member.unknown_membership',
    name: 'before v7, knock is an unknown membership',
    allowed: false,
    versions: (v) => !v.knock,
    verdict: (v) => judge(v, { joinRule: 'knock' }, (r) => r.ev(member(CAROL, CAROL, 'knock'))),
  },
  // ---- everything else -----------------------------------------------------------------------
  {
    rule: 'event.sender_not_joined',
    name: 'a joined member sends a message',
    allowed: true,
    verdict: (v) => judge(v, {}, (r) => r.ev(message(BOB))),
  },
  {
    rule: 'event.sender_not_joined',
    name: 'an invited user cannot send a message',
    allowed: false,
    verdict: (v) => judge(v, { members: { [CAROL]: 'invite' } }, (r) => r.ev(message(CAROL))),
  },
  {
    rule: 'event.sender_not_joined',
    name: 'from v6, m.room.aliases is ordinary state and needs a joined sender',
    allowed: false,
    versions: (v) => !v.specialCasedAliasesAuth,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev({ type: 'm.room.aliases', sender: DAVE, stateKey: 'd', content: { aliases: [] } }),
      ),
  },
  {
    rule: 'third_party_invite.insufficient_power',
    name: 'a sender at the invite level sends m.room.third_party_invite',
    allowed: true,
    verdict: (v) =>
      judge(v, { powerLevels: { invite: 50, events: { 'm.room.third_party_invite': 100 } } }, (r) =>
        r.ev({ type: 'm.room.third_party_invite', sender: MOD, stateKey: 'tok', content: {} }),
      ),
  },
  {
    rule: 'third_party_invite.insufficient_power',
    name: 'a sender below the invite level cannot send m.room.third_party_invite',
    allowed: false,
    verdict: (v) =>
      judge(v, { powerLevels: { invite: 50 } }, (r) =>
        r.ev({ type: 'm.room.third_party_invite', sender: BOB, stateKey: 'tok', content: {} }),
      ),
  },
  {
    rule: 'event.insufficient_power',
    name: 'a moderator sets state at state_default',
    allowed: true,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev({ type: 'm.room.topic', sender: MOD, stateKey: '', content: { topic: 't' } }),
      ),
  },
  {
    rule: 'event.insufficient_power',
    name: 'a user below state_default cannot set state',
    allowed: false,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev({ type: 'm.room.topic', sender: BOB, stateKey: '', content: { topic: 't' } }),
      ),
  },
  {
    rule: 'event.insufficient_power',
    name: 'an events entry raises a message type above the sender',
    allowed: false,
    verdict: (v) =>
      judge(v, { powerLevels: { events: { 'm.room.message': 10 } } }, (r) => r.ev(message(BOB))),
  },
  {
    rule: 'event.insufficient_power',
    name: 'with no power levels event, state needs 50, which the creator has',
    allowed: true,
    verdict: (v) =>
      judge(v, { powerLevels: null }, (r) =>
        r.ev({ type: 'm.room.name', sender: ALICE, stateKey: '', content: { name: 'n' } }),
      ),
  },
  {
    rule: 'event.insufficient_power',
    name: 'with no power levels event, others cannot set state',
    allowed: false,
    verdict: (v) =>
      judge(v, { powerLevels: null }, (r) =>
        r.ev({ type: 'm.room.name', sender: BOB, stateKey: '', content: { name: 'n' } }),
      ),
  },
  {
    rule: 'event.insufficient_power',
    name: 'from v3, redactions need only the m.room.redaction event level',
    allowed: true,
    versions: (v) => v.eventIdFormat !== 'v1',
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev({ type: 'm.room.redaction', sender: BOB, redacts: '$target:a', content: {} }),
      ),
  },
  {
    rule: 'event.insufficient_power',
    name: 'redactions can be limited through events',
    allowed: false,
    verdict: (v) =>
      judge(v, { powerLevels: { events: { 'm.room.redaction': 10 } } }, (r) =>
        r.ev({ type: 'm.room.redaction', sender: BOB, redacts: '$target:a', content: {} }),
      ),
  },
  {
    rule: 'state.state_key_is_other_user',
    name: 'a user sets state keyed to themself',
    allowed: true,
    verdict: (v) =>
      judge(v, { powerLevels: { events: { 'm.custom': 0 } } }, (r) =>
        r.ev({ type: 'm.custom', sender: BOB, stateKey: BOB, content: {} }),
      ),
  },
  {
    rule: 'state.state_key_is_other_user',
    name: 'even a moderator cannot set state keyed to another user',
    allowed: false,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev({ type: 'm.custom', sender: MOD, stateKey: BOB, content: {} })),
  },
  // ---- m.room.power_levels -------------------------------------------------------------------
  {
    rule: 'power_levels.invalid_level',
    name: 'integer named levels are allowed',
    allowed: true,
    verdict: (v) => judge(v, {}, (r) => r.ev(powerLevelsBy(ALICE, defaultLevels(v, { ban: 60 })))),
  },
  {
    rule: 'power_levels.invalid_level',
    name: 'v1–v9: a stringy integer level is allowed',
    allowed: true,
    versions: (v) => !v.integerOnlyPowerLevels,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(ALICE, defaultLevels(v, { ban: ' 60 ' })))),
  },
  {
    rule: 'power_levels.invalid_level',
    name: 'v10+: a stringy integer level is rejected',
    allowed: false,
    versions: (v) => v.integerOnlyPowerLevels,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(ALICE, defaultLevels(v, { ban: '60' })))),
  },
  {
    rule: 'power_levels.invalid_level',
    name: 'a non-integer string level is rejected',
    allowed: false,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(ALICE, defaultLevels(v, { kick: 'lots' })))),
  },
  {
    rule: 'power_levels.invalid_level',
    name: 'v1–v5: a float level is truncated and allowed',
    allowed: true,
    versions: (v) => !v.strictCanonicalJson,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(ALICE, defaultLevels(v, { kick: 50.5 })))),
  },
  {
    rule: 'power_levels.invalid_level',
    name: 'v6+: a float level is rejected',
    allowed: false,
    versions: (v) => v.strictCanonicalJson,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(ALICE, defaultLevels(v, { kick: 50.5 })))),
  },
  {
    rule: 'power_levels.invalid_level_map',
    name: 'an events object of levels is allowed',
    allowed: true,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(ALICE, defaultLevels(v, { events: { 'm.x': 10 } })))),
  },
  {
    rule: 'power_levels.invalid_level_map',
    name: 'an events value that is not a level is rejected',
    allowed: false,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(ALICE, defaultLevels(v, { events: { 'm.x': [] } })))),
  },
  {
    rule: 'power_levels.invalid_level_map',
    name: 'v10+: a stringy events value is rejected',
    allowed: false,
    versions: (v) => v.integerOnlyPowerLevels,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev(powerLevelsBy(ALICE, defaultLevels(v, { events: { 'm.x': '10' } }))),
      ),
  },
  {
    rule: 'power_levels.invalid_level_map',
    name: 'v1–v5: notifications are not checked',
    allowed: true,
    versions: (v) => !v.limitNotificationsPowerLevels,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev(powerLevelsBy(ALICE, defaultLevels(v, { notifications: { room: 'x' } }))),
      ),
  },
  {
    rule: 'power_levels.invalid_level_map',
    name: 'v6+: a notifications value that is not a level is rejected',
    allowed: false,
    versions: (v) => v.limitNotificationsPowerLevels,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev(powerLevelsBy(ALICE, defaultLevels(v, { notifications: { room: 'x' } }))),
      ),
  },
  {
    rule: 'power_levels.invalid_users',
    name: 'v1–v9: a stringy users value is allowed',
    allowed: true,
    versions: (v) => !v.integerOnlyPowerLevels,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(ALICE, defaultLevels(v, { users: { [BOB]: '10' } })))),
  },
  {
    rule: 'power_levels.invalid_users',
    name: 'an integer users value for a user ID is allowed',
    allowed: true,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(ALICE, defaultLevels(v, { users: { [BOB]: 10 } })))),
  },
  {
    rule: 'power_levels.invalid_users',
    name: 'a users key that is not a user ID is rejected',
    allowed: false,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(ALICE, defaultLevels(v, { users: { bob: 10 } })))),
  },
  {
    rule: 'power_levels.invalid_users',
    name: 'v10+: a stringy users value is rejected',
    allowed: false,
    versions: (v) => v.integerOnlyPowerLevels,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(ALICE, defaultLevels(v, { users: { [BOB]: '10' } })))),
  },
  {
    rule: 'power_levels.invalid_users',
    name: 'users that is not an object is rejected',
    allowed: false,
    verdict: (v) => judge(v, {}, (r) => r.ev(powerLevelsBy(ALICE, { users: [BOB] }))),
  },
  {
    rule: 'power_levels.creator_in_users',
    name: 'before v12, the creator is listed in users',
    allowed: true,
    versions: (v) => !v.privilegedCreators,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev(powerLevelsBy(ALICE, defaultLevels(v, { users: { [ALICE]: 100 } }))),
      ),
  },
  {
    rule: 'power_levels.creator_in_users',
    name: 'v12: power levels without the creators are allowed',
    allowed: true,
    versions: (v) => v.privilegedCreators,
    verdict: (v) =>
      judge(v, { createContent: { additional_creators: [DAVE] } }, (r) =>
        r.ev(powerLevelsBy(ALICE, defaultLevels(v, { users: { [BOB]: 10 } }))),
      ),
  },
  {
    rule: 'power_levels.creator_in_users',
    name: 'v12: the create sender may not be listed in users',
    allowed: false,
    versions: (v) => v.privilegedCreators,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev(powerLevelsBy(ALICE, defaultLevels(v, { users: { [ALICE]: 100 } }))),
      ),
  },
  {
    rule: 'power_levels.creator_in_users',
    name: 'v12: an additional creator may not be listed in users',
    allowed: false,
    versions: (v) => v.privilegedCreators,
    verdict: (v) =>
      judge(v, { createContent: { additional_creators: [DAVE] } }, (r) =>
        r.ev(powerLevelsBy(ALICE, defaultLevels(v, { users: { [DAVE]: 1 } }))),
      ),
  },
  {
    rule: 'power_levels.named_current_above_own',
    name: 'the first power levels event may set anything',
    allowed: true,
    verdict: (v) =>
      judge(v, { powerLevels: null }, (r) =>
        r.ev(powerLevelsBy(ALICE, { users: { [BOB]: 5 }, ban: 1000, state_default: 1000 })),
      ),
  },
  {
    rule: 'power_levels.named_current_above_own',
    name: 'a moderator lowers kick from their own level',
    allowed: true,
    verdict: (v) =>
      judge(v, { powerLevels: { kick: 50 } }, (r) =>
        r.ev(powerLevelsBy(MOD, defaultLevels(v, { kick: 10 }))),
      ),
  },
  {
    rule: 'power_levels.named_current_above_own',
    name: 'a moderator cannot lower ban from above their level',
    allowed: false,
    verdict: (v) =>
      judge(v, { powerLevels: { ban: 75 } }, (r) =>
        r.ev(powerLevelsBy(MOD, defaultLevels(v, { ban: 50 }))),
      ),
  },
  {
    rule: 'power_levels.named_current_above_own',
    name: 'removing a named level counts as changing it',
    allowed: false,
    verdict: (v) =>
      judge(v, { powerLevels: { redact: 75 } }, (r) => r.ev(powerLevelsBy(MOD, defaultLevels(v)))),
  },
  {
    rule: 'power_levels.named_current_above_own',
    name: 'v1–v9: "75" and 75 are the same level, so no change',
    allowed: true,
    versions: (v) => !v.integerOnlyPowerLevels,
    verdict: (v) =>
      judge(v, { powerLevels: { ban: 75 } }, (r) =>
        r.ev(powerLevelsBy(MOD, defaultLevels(v, { ban: '75' }))),
      ),
  },
  {
    rule: 'power_levels.named_new_above_own',
    name: 'a moderator sets a named level to their own',
    allowed: true,
    verdict: (v) => judge(v, {}, (r) => r.ev(powerLevelsBy(MOD, defaultLevels(v, { invite: 50 })))),
  },
  {
    rule: 'power_levels.named_new_above_own',
    name: 'a moderator cannot set a named level above their own',
    allowed: false,
    verdict: (v) => judge(v, {}, (r) => r.ev(powerLevelsBy(MOD, defaultLevels(v, { invite: 51 })))),
  },
  {
    rule: 'power_levels.events_current_above_own',
    name: 'a moderator changes an events entry at their level',
    allowed: true,
    verdict: (v) =>
      judge(v, { powerLevels: { events: { 'm.room.name': 50 } } }, (r) =>
        r.ev(powerLevelsBy(MOD, defaultLevels(v, { events: { 'm.room.name': 20 } }))),
      ),
  },
  {
    rule: 'power_levels.events_current_above_own',
    name: 'a moderator cannot remove an events entry above their level',
    allowed: false,
    verdict: (v) =>
      judge(v, { powerLevels: { events: { 'm.room.name': 75 } } }, (r) =>
        r.ev(powerLevelsBy(MOD, defaultLevels(v, { events: {} }))),
      ),
  },
  {
    rule: 'power_levels.events_new_above_own',
    name: 'a moderator adds an events entry at their level',
    allowed: true,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev(powerLevelsBy(MOD, defaultLevels(v, { events: { 'm.room.topic': 50 } }))),
      ),
  },
  {
    rule: 'power_levels.events_new_above_own',
    name: 'a moderator cannot add an events entry above their level',
    allowed: false,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev(powerLevelsBy(MOD, defaultLevels(v, { events: { 'm.room.topic': 60 } }))),
      ),
  },
  {
    rule: 'power_levels.notifications_current_above_own',
    name: 'v1–v5: notifications above the sender may be changed',
    allowed: true,
    versions: (v) => !v.limitNotificationsPowerLevels,
    verdict: (v) =>
      judge(v, { powerLevels: { notifications: { room: 75 } } }, (r) =>
        r.ev(powerLevelsBy(MOD, defaultLevels(v, { notifications: { room: 10 } }))),
      ),
  },
  {
    rule: 'power_levels.notifications_current_above_own',
    name: 'v6+: notifications at the sender level may be changed',
    allowed: true,
    versions: (v) => v.limitNotificationsPowerLevels,
    verdict: (v) =>
      judge(v, { powerLevels: { notifications: { room: 50 } } }, (r) =>
        r.ev(powerLevelsBy(MOD, defaultLevels(v, { notifications: { room: 10 } }))),
      ),
  },
  {
    rule: 'power_levels.notifications_current_above_own',
    name: 'v6+: notifications above the sender may not be changed',
    allowed: false,
    versions: (v) => v.limitNotificationsPowerLevels,
    verdict: (v) =>
      judge(v, { powerLevels: { notifications: { room: 75 } } }, (r) =>
        r.ev(powerLevelsBy(MOD, defaultLevels(v, { notifications: { room: 10 } }))),
      ),
  },
  {
    rule: 'power_levels.notifications_new_above_own',
    name: 'v1–v5: notifications may be raised above the sender',
    allowed: true,
    versions: (v) => !v.limitNotificationsPowerLevels,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev(powerLevelsBy(MOD, defaultLevels(v, { notifications: { room: 99 } }))),
      ),
  },
  {
    rule: 'power_levels.notifications_new_above_own',
    name: 'v6+: notifications may be set to the sender level',
    allowed: true,
    versions: (v) => v.limitNotificationsPowerLevels,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev(powerLevelsBy(MOD, defaultLevels(v, { notifications: { room: 50 } }))),
      ),
  },
  {
    rule: 'power_levels.notifications_new_above_own',
    name: 'v6+: notifications may not be raised above the sender',
    allowed: false,
    versions: (v) => v.limitNotificationsPowerLevels,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev(powerLevelsBy(MOD, defaultLevels(v, { notifications: { room: 99 } }))),
      ),
  },
  {
    rule: 'power_levels.demote_peer_or_superior',
    name: 'a moderator demotes themself',
    allowed: true,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(MOD, defaultLevels(v, { users: { [MOD]: 10 } })))),
  },
  {
    rule: 'power_levels.demote_peer_or_superior',
    name: 'a moderator cannot demote an equal',
    allowed: false,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(MOD, defaultLevels(v, { users: { [MOD2]: 10 } })))),
  },
  {
    rule: 'power_levels.demote_peer_or_superior',
    name: 'a moderator cannot remove an equal',
    allowed: false,
    verdict: (v) => {
      const users: JsonObject = { ...(v.privilegedCreators ? {} : { [ALICE]: 100 }), [MOD]: 50 };
      return judge(v, {}, (r) => r.ev(powerLevelsBy(MOD, { users })));
    },
  },
  {
    rule: 'power_levels.raise_above_own',
    name: 'a moderator promotes a user to their own level',
    allowed: true,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(MOD, defaultLevels(v, { users: { [BOB]: 50 } })))),
  },
  {
    rule: 'power_levels.raise_above_own',
    name: 'a moderator cannot promote a user above their own level',
    allowed: false,
    verdict: (v) =>
      judge(v, {}, (r) => r.ev(powerLevelsBy(MOD, defaultLevels(v, { users: { [BOB]: 51 } })))),
  },
  {
    rule: 'power_levels.raise_above_own',
    name: 'v12: a creator may give out any finite level',
    allowed: true,
    versions: (v) => v.privilegedCreators,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev(powerLevelsBy(ALICE, defaultLevels(v, { users: { [BOB]: 9007199254740991 } }))),
      ),
  },
  // ---- m.room.redaction (v1–v2) --------------------------------------------------------------
  {
    rule: 'redaction.insufficient_power',
    name: 'v1–v2: a server may redact its own events',
    allowed: true,
    versions: (v) => v.eventIdFormat === 'v1',
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev({
          id: '$red:b',
          type: 'm.room.redaction',
          sender: BOB,
          redacts: '$target:b',
          content: {},
        }),
      ),
  },
  {
    rule: 'redaction.insufficient_power',
    name: 'v1–v2: a sender at the redact level may redact anything',
    allowed: true,
    versions: (v) => v.eventIdFormat === 'v1',
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev({
          id: '$red:b',
          type: 'm.room.redaction',
          sender: MOD,
          redacts: '$target:a',
          content: {},
        }),
      ),
  },
  {
    rule: 'redaction.insufficient_power',
    name: "v1–v2: a user below the redact level cannot redact another server's event",
    allowed: false,
    versions: (v) => v.eventIdFormat === 'v1',
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev({
          id: '$red:b',
          type: 'm.room.redaction',
          sender: BOB,
          redacts: '$target:a',
          content: {},
        }),
      ),
  },
];

// ---- auth events list (rule 2; rule 3 in v12) ------------------------------------------------

function authListCase(
  rule: AuthRuleId,
  name: string,
  allowed: boolean,
  build: (room: Room) => { event: RoomEvent; authEvents: RoomEvent[]; rejected?: string[] },
  versions: VersionFilter = all,
): Case {
  return {
    rule,
    name,
    allowed,
    versions,
    verdict: (v) => {
      const room = buildRoom(v);
      const { event, authEvents, rejected = [] } = build(room);
      return checkAuthEventsList(event, authEvents, v, (id) => rejected.includes(id));
    },
  };
}

const byId = (room: Room, ...ids: string[]): RoomEvent[] =>
  ids.map((id) => {
    const found = room.events.find((e) => e.eventId === id);
    if (!found) throw new Error(`test room has no ${id}`);
    return found;
  });

/** A message by bob citing exactly what the selection algorithm picks for this version. */
function properMessage(
  room: Room,
  extraAuth: string[] = [],
): { event: RoomEvent; authEvents: RoomEvent[] } {
  const ids = [
    ...(room.version.roomIdFromCreateEvent ? [] : ['$create']),
    '$pl',
    `$member-${BOB}`,
    ...extraAuth,
  ];
  return { event: room.ev({ ...message(BOB), auth: ids }), authEvents: room.events };
}

cases.push(
  authListCase('auth_events.not_provided', 'every cited auth event is provided', true, (r) =>
    properMessage(r),
  ),
  authListCase('auth_events.not_provided', 'a cited auth event that is not provided', false, (r) =>
    properMessage(r, ['$unknown']),
  ),
  authListCase('auth_events.duplicate', 'one event per state key', true, (r) => properMessage(r)),
  authListCase('auth_events.duplicate', 'two power levels events are rejected', false, (r) => {
    const second = r.ev({ ...powerLevelsBy(ALICE, {}), id: '$pl2' });
    const { event, authEvents } = properMessage(r, ['$pl2']);
    return { event, authEvents: [...authEvents, second] };
  }),
  authListCase('auth_events.unexpected', 'a join cites the join rules', true, (r) => ({
    event: r.ev({
      ...member(CAROL, CAROL, 'join'),
      auth: [...(r.version.roomIdFromCreateEvent ? [] : ['$create']), '$pl', '$join-rules'],
    }),
    authEvents: r.events,
  })),
  authListCase('auth_events.unexpected', 'a message may not cite the join rules', false, (r) =>
    properMessage(r, ['$join-rules']),
  ),
  authListCase(
    'auth_events.unexpected',
    "a message may not cite another user's membership",
    false,
    (r) => properMessage(r, [`$member-${MOD}`]),
  ),
  authListCase(
    'auth_events.unexpected',
    'v12: citing the create event is rejected',
    false,
    (r) => ({ event: r.ev({ ...message(BOB), auth: ['$create', '$pl'] }), authEvents: r.events }),
    (v) => v.roomIdFromCreateEvent,
  ),
  authListCase('auth_events.rejected', 'accepted auth events are fine', true, (r) => ({
    ...properMessage(r),
    rejected: ['$join-rules'],
  })),
  authListCase('auth_events.rejected', 'a rejected auth event is rejected', false, (r) => ({
    ...properMessage(r),
    rejected: ['$pl'],
  })),
  authListCase(
    'auth_events.missing_create',
    'before v12 the create event is cited',
    true,
    (r) => properMessage(r),
    (v) => !v.roomIdFromCreateEvent,
  ),
  authListCase(
    'auth_events.missing_create',
    'before v12, not citing the create event is rejected',
    false,
    (r) => ({ event: r.ev({ ...message(BOB), auth: ['$pl'] }), authEvents: r.events }),
    (v) => !v.roomIdFromCreateEvent,
  ),
  authListCase(
    'auth_events.missing_create',
    'v12: no create event is cited, and none is needed',
    true,
    (r) => ({ event: r.ev({ ...message(BOB), auth: ['$pl'] }), authEvents: byId(r, '$pl') }),
    (v) => v.roomIdFromCreateEvent,
  ),
  authListCase('auth_events.room_id_mismatch', 'auth events from the same room', true, (r) =>
    properMessage(r),
  ),
  authListCase('auth_events.room_id_mismatch', 'an auth event from another room', false, (r) => {
    const foreign = testEvent({ ...powerLevelsBy(ALICE, {}), id: '$pl', roomId: '!elsewhere:a' });
    const { event } = properMessage(r);
    return { event, authEvents: [foreign, ...r.events.filter((e) => e.eventId !== '$pl')] };
  }),
);

// ---- third-party invites -------------------------------------------------------------------

let identityKey: SigningKey;
let strangerKey: SigningKey;
beforeAll(async () => {
  await initCrypto();
  identityKey = signingKeyFromSeed(new Uint8Array(32).fill(7), '0');
  strangerKey = signingKeyFromSeed(new Uint8Array(32).fill(9), '0');
});

interface ThirdPartySetup {
  /** Who the identity server signed for (default carol). */
  mxid?: string;
  token?: string;
  signWith?: 'identity' | 'stranger';
  /** Replace `signed` entirely. */
  signed?: JsonObject;
  /** Where the invite event publishes the identity server key. */
  keyIn?: 'public_key' | 'public_keys';
  inviteSender?: string;
  memberSender?: string;
  carol?: string;
}

function thirdPartyInvite(v: RoomVersion, o: ThirdPartySetup = {}): AuthVerdict {
  const key = encodeBase64(identityKey.publicKey);
  const inviteContent: JsonObject =
    o.keyIn === 'public_keys'
      ? {
          display_name: 'c…',
          public_key: encodeBase64(strangerKey.publicKey),
          public_keys: [{ public_key: key }],
        }
      : { display_name: 'c…', public_key: key };
  const signed =
    o.signed ??
    signJson(
      { mxid: o.mxid ?? CAROL, token: o.token ?? 'tok' },
      'id.example',
      o.signWith === 'stranger' ? strangerKey : identityKey,
    );
  const setup: RoomSetup = {
    members: o.carol ? { [CAROL]: o.carol } : {},
    extraState: [
      {
        id: '$3pid',
        type: 'm.room.third_party_invite',
        stateKey: 'tok',
        sender: o.inviteSender ?? MOD,
        content: inviteContent,
      },
    ],
  };
  return judge(v, setup, (r) =>
    r.ev(
      member(o.memberSender ?? MOD, CAROL, 'invite', {
        third_party_invite: { display_name: 'c…', signed },
      }),
    ),
  );
}

const tpi = (rule: AuthRuleId, name: string, allowed: boolean, o: ThirdPartySetup): Case => ({
  rule,
  name,
  allowed,
  verdict: (v) => thirdPartyInvite(v, o),
});

cases.push(
  tpi('member.third_party_invite.target_banned', 'a valid third-party invite', true, {}),
  tpi('member.third_party_invite.target_banned', 'a banned target', false, { carol: 'ban' }),
  tpi('member.third_party_invite.missing_signed', 'signed present', true, {}),
  {
    rule: 'member.third_party_invite.missing_signed',
    name: 'no signed object',
    allowed: false,
    verdict: (v) =>
      judge(v, {}, (r) =>
        r.ev(member(MOD, CAROL, 'invite', { third_party_invite: { display_name: 'c…' } })),
      ),
  },
  tpi('member.third_party_invite.missing_mxid_or_token', 'mxid and token present', true, {}),
  tpi('member.third_party_invite.missing_mxid_or_token', 'no token', false, {
    signed: { mxid: CAROL, signatures: {} },
  }),
  tpi('member.third_party_invite.mxid_mismatch', 'mxid is the target', true, { mxid: CAROL }),
  tpi('member.third_party_invite.mxid_mismatch', 'signed for someone else', false, { mxid: DAVE }),
  tpi('member.third_party_invite.no_invite_event', 'token names the invite event', true, {}),
  tpi('member.third_party_invite.no_invite_event', 'token names nothing', false, { token: 'nope' }),
  tpi('member.third_party_invite.sender_mismatch', 'the inviter completes their invite', true, {
    inviteSender: BOB,
    memberSender: BOB,
  }),
  tpi('member.third_party_invite.sender_mismatch', 'someone else completes the invite', false, {
    inviteSender: MOD,
    memberSender: BOB,
  }),
  tpi('member.third_party_invite.bad_signature', 'key found in public_keys', true, {
    keyIn: 'public_keys',
  }),
  tpi('member.third_party_invite.bad_signature', 'signed by an unknown key', false, {
    signWith: 'stranger',
  }),
  tpi('member.third_party_invite.bad_signature', 'signature does not cover the fields', false, {
    signed: { mxid: CAROL, token: 'tok', signatures: { 'id.example': { 'ed25519:0': 'AAAA' } } },
  }),
);

// ---- running the table -----------------------------------------------------------------------

function expectVerdict(verdict: AuthVerdict, c: Case): void {
  if (c.allowed) {
    expect(verdict).toEqual({ allowed: true });
  } else {
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) {
      expect(verdict.rule).toBe(c.rule);
      expect(verdict.reason.length).toBeGreaterThan(10);
    }
  }
}

describe.each(KNOWN_ROOM_VERSIONS.map((v) => [v.id, v] as const))(
  'room version %s',
  (_id, version) => {
    const applicable = cases.filter((c) => (c.versions ?? all)(version));
    it.each(
      applicable.map(
        (c) => [`${c.allowed ? 'allows' : 'rejects'} [${c.rule}] ${c.name}`, c] as const,
      ),
    )('%s', (_name, c) => {
      expectVerdict(c.verdict(version), c);
    });
  },
);

describe('rule coverage', () => {
  const coverage = new Map<string, { rejected: Set<string>; allowed: Set<string> }>();
  for (const c of cases) {
    const entry = coverage.get(c.rule) ?? { rejected: new Set(), allowed: new Set() };
    coverage.set(c.rule, entry);
    for (const version of KNOWN_ROOM_VERSIONS) {
      if ((c.versions ?? all)(version)) {
        (c.allowed ? entry.allowed : entry.rejected).add(familyOf(version));
      }
    }
  }

  it('rejects with every exported rule id somewhere', () => {
    const neverRejected = AUTH_RULE_IDS.filter(
      (id) => (coverage.get(id)?.rejected.size ?? 0) === 0,
    );
    expect(neverRejected).toEqual([]);
  });

  it('has an accepting case wherever a rule has a rejecting one, per version family', () => {
    const gaps = [...coverage].flatMap(([rule, { rejected, allowed }]) =>
      [...rejected]
        .filter((family) => !allowed.has(family))
        .map((family) => `${rule} in ${family}`),
    );
    expect(gaps).toEqual([]);
  });

  it('tests rules that hold in every version in every version family', () => {
    const everywhere = [
      'create.prev_events_not_empty',
      'member.join.banned',
      'member.invite.insufficient_power',
      'event.insufficient_power',
      'power_levels.raise_above_own',
      'auth_events.duplicate',
    ];
    for (const rule of everywhere) {
      expect([...(coverage.get(rule)?.rejected ?? [])].sort()).toEqual(
        Object.keys(FAMILIES).sort(),
      );
    }
  });
});
