/**
 * Default auth_events for a new event (server-server API "Auth events selection"): create
 * (except v12, where it is implied by the room ID), current power levels, the sender's
 * membership; for membership events also the target's membership, the join rules for
 * join/invite/knock, and the authorising user's membership for restricted joins.
 */
import type { PeerStateMap } from './dag-event';
import { stateKeyOf } from './dag-event';
import type { PeerJsonObject } from './peer-json';
import type { PeerRoomVersion } from './peer-room-versions';

export function selectAuthEvents(
  state: PeerStateMap,
  event: { type: string; stateKey: string | undefined; sender: string; content: PeerJsonObject },
  version: PeerRoomVersion,
): string[] {
  if (event.type === 'm.room.create') return [];
  const keys: string[] = [];
  if (!version.roomIdFromCreateEvent) keys.push(stateKeyOf('m.room.create', ''));
  keys.push(stateKeyOf('m.room.power_levels', ''), stateKeyOf('m.room.member', event.sender));
  if (event.type === 'm.room.member' && event.stateKey !== undefined) {
    keys.push(stateKeyOf('m.room.member', event.stateKey));
    const membership = event.content['membership'];
    if (membership === 'join' || membership === 'invite' || membership === 'knock') {
      keys.push(stateKeyOf('m.room.join_rules', ''));
    }
    const authoriser = event.content['join_authorised_via_users_server'];
    if (membership === 'join' && typeof authoriser === 'string') {
      keys.push(stateKeyOf('m.room.member', authoriser));
    }
  }
  const ids: string[] = [];
  for (const key of keys) {
    const id = state.get(key);
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  }
  return ids;
}
