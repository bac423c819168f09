/**
 * The resident's send_join v2 answer (spec joins-v2; MSC3706 partial state; MSC3943 heroes),
 * built from the script's state before the join.
 *
 * With members omitted: all non-member state, the joiner's own prior membership, and, when the
 * room has neither `m.room.name` nor `m.room.canonical_alias` (checked by presence, as Synapse
 * does), the heroes' memberships; `auth_chain` leaves out what `state` already holds;
 * `servers_in_room` = servers with joined members before the join. Without: the whole state and
 * the auth chain of the state and the join.
 */
import type { DagEvent } from './dag-event';
import { parseStateKey, stateKeyOf } from './dag-event';
import type { PeerJsonObject } from './peer-json';
import type { ScriptedRoom } from './scripted-room';

/** Spec m.heroes: up to 5 joined or invited members (else left/banned), never the viewer. */
export function heroesOf(
  room: ScriptedRoom,
  state: ReadonlyMap<string, string>,
  excluding: string,
): string[] {
  const members: DagEvent[] = [];
  for (const [key, id] of state) {
    const { type, stateKey } = parseStateKey(key);
    const event = room.findEvent(id);
    if (type === 'm.room.member' && stateKey !== excluding && event) members.push(event);
  }
  // Learning order stands in for stream ordering.
  members.sort((a, b) => a.index - b.index);
  const withMembership = (wanted: readonly string[]): string[] =>
    members
      .filter((e) => wanted.includes(String(e.content['membership'])))
      .map((e) => e.stateKey as string);
  const present = withMembership(['join', 'invite']);
  return (present.length > 0 ? present : withMembership(['leave', 'ban'])).slice(0, 5);
}

export interface SendJoinAnswer {
  body: PeerJsonObject;
  stateIds: string[];
  authChainIds: string[];
}

export function buildSendJoinResponse(
  room: ScriptedRoom,
  join: DagEvent,
  options: { origin: string; omitMembers: boolean; unstableNames: boolean },
): SendJoinAnswer {
  const stateBefore = join.stateBefore;
  const joiner = join.stateKey ?? join.sender;
  let stateIds: string[];
  if (options.omitMembers) {
    const keep = new Set<string>();
    for (const [key, id] of stateBefore) {
      if (parseStateKey(key).type !== 'm.room.member') keep.add(id);
    }
    const own = stateBefore.get(stateKeyOf('m.room.member', joiner));
    if (own !== undefined) keep.add(own);
    const named =
      stateBefore.has(stateKeyOf('m.room.name', '')) ||
      stateBefore.has(stateKeyOf('m.room.canonical_alias', ''));
    if (!named) {
      for (const hero of heroesOf(room, stateBefore, joiner)) {
        const id = stateBefore.get(stateKeyOf('m.room.member', hero));
        if (id !== undefined) keep.add(id);
      }
    }
    stateIds = [...keep];
  } else {
    stateIds = [...stateBefore.values()];
  }
  const stateEvents = room.events.filter((e) => stateIds.includes(e.eventId));
  const inState = new Set(stateIds);
  const chainFrom = options.omitMembers ? stateIds : [...stateIds, join.eventId];
  const authChain = room
    .authChain(chainFrom)
    .filter((e) => !(options.omitMembers && inState.has(e.eventId)));
  const body: PeerJsonObject = {
    origin: options.origin,
    state: stateEvents.map((e) => e.pdu),
    auth_chain: authChain.map((e) => e.pdu),
    members_omitted: options.omitMembers,
  };
  if (options.omitMembers) {
    const servers = room.joinedServers(stateBefore);
    body['servers_in_room'] = servers.length > 0 ? servers : [options.origin];
    if (options.unstableNames) {
      body['org.matrix.msc3706.partial_state'] = true;
      body['org.matrix.msc3706.servers_in_room'] = body['servers_in_room'];
    }
  }
  return {
    body,
    stateIds: stateEvents.map((e) => e.eventId),
    authChainIds: authChain.map((e) => e.eventId),
  };
}
