/**
 * Which state a new event must cite in `auth_events` (spec server-server API, "Auth events
 * selection"). The same list bounds what a received event may cite (auth rule "auth events are
 * consistent"), so this file serves both event building and `checkAuthEventsList`.
 */
import type { JsonObject } from '../json';
import { isJsonObject } from '../json';
import type { RoomVersion } from '../room-versions';
import type { AuthStateLookup } from './auth-types';

export interface AuthEventKey {
  readonly type: string;
  readonly stateKey: string;
}

/** The token a third-party-invite membership names, if its content has the expected shape. */
export function thirdPartyInviteToken(content: JsonObject): string | undefined {
  const invite = content['third_party_invite'];
  if (!isJsonObject(invite)) return undefined;
  const signed = invite['signed'];
  if (!isJsonObject(signed)) return undefined;
  const token = signed['token'];
  return typeof token === 'string' ? token : undefined;
}

/**
 * The (type, state_key) pairs an event should cite. The create event is not among them from v12
 * (MSC4291: the room ID names it). Order is stable (create, power levels, sender, then the
 * membership-specific entries) and free of duplicates.
 */
export function selectAuthEventKeys(
  type: string,
  stateKey: string | undefined,
  sender: string,
  content: JsonObject,
  version: RoomVersion,
): AuthEventKey[] {
  if (type === 'm.room.create') return [];
  const keys: AuthEventKey[] = [];
  const add = (key: AuthEventKey): void => {
    if (!keys.some((k) => k.type === key.type && k.stateKey === key.stateKey)) keys.push(key);
  };
  if (!version.roomIdFromCreateEvent) add({ type: 'm.room.create', stateKey: '' });
  add({ type: 'm.room.power_levels', stateKey: '' });
  add({ type: 'm.room.member', stateKey: sender });
  if (type === 'm.room.member' && stateKey !== undefined) {
    const membership = content['membership'];
    add({ type: 'm.room.member', stateKey });
    if (membership === 'join' || membership === 'invite' || membership === 'knock') {
      add({ type: 'm.room.join_rules', stateKey: '' });
    }
    if (membership === 'invite') {
      const token = thirdPartyInviteToken(content);
      if (token !== undefined) add({ type: 'm.room.third_party_invite', stateKey: token });
    }
    const authoriser = content['join_authorised_via_users_server'];
    if (membership === 'join' && version.restrictedJoins && typeof authoriser === 'string') {
      add({ type: 'm.room.member', stateKey: authoriser });
    }
  }
  return keys;
}

/** The event IDs of the selected keys that exist in `state`, in selection order. */
export function selectAuthEventIds(
  type: string,
  stateKey: string | undefined,
  sender: string,
  content: JsonObject,
  version: RoomVersion,
  state: AuthStateLookup,
): string[] {
  const ids: string[] = [];
  for (const key of selectAuthEventKeys(type, stateKey, sender, content, version)) {
    const event = state.get(key.type, key.stateKey);
    if (event) ids.push(event.eventId);
  }
  return ids;
}
