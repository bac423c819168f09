/**
 * The body of a send_join answer (server-server API v2 send_join), full or — when the joiner
 * asked with `omit_members=true` (MSC3706) — partial: all non-member state, the joiner's own
 * prior membership, and the heroes' memberships when the room has no name and no canonical
 * alias (MSC3943), with the auth chain minus what is already in `state`.
 */
import type { JsonObject } from '../rules/json';
import type { RoomEvent } from '../rules/events/room-event';
import type { StateMap } from '../rules/events/state-map';
import { parseStateKey, stateKey } from '../rules/events/state-map';
import { authChain } from '../rules/state-resolution/auth-chain';
import type { Pdu } from '../rules/events/pdu';

/** Spec room summary: at most five heroes. */
export const MAX_HEROES = 5;

export interface SendJoinResponseInput {
  join: RoomEvent;
  stateBefore: StateMap;
  omitMembers: boolean;
  /** The joiner used the unstable MSC3706 parameter: answer with the unstable fields too. */
  unstableNames: boolean;
  /** Heroes candidates in summary order (joined, then invited, then others), from our store. */
  heroCandidates: () => string[];
  serversInRoom: () => string[];
  getEvent: (eventId: string) => RoomEvent | undefined;
  /** How to send an event to another server (redacted if redacted here). */
  toFederationPdu: (event: RoomEvent) => Pdu;
  origin: string;
}

/** Which state entries a partial answer keeps. */
export function partialStateIds(
  stateBefore: StateMap,
  joiner: string,
  heroCandidates: () => string[],
): string[] {
  const keep: string[] = [];
  for (const [key, eventId] of stateBefore) {
    if (parseStateKey(key).type !== 'm.room.member') keep.push(eventId);
  }
  const own = stateBefore.get(stateKey('m.room.member', joiner));
  if (own !== undefined) keep.push(own);
  const named =
    stateBefore.has(stateKey('m.room.name', '')) ||
    stateBefore.has(stateKey('m.room.canonical_alias', ''));
  if (!named) {
    let heroes = 0;
    for (const userId of heroCandidates()) {
      if (heroes >= MAX_HEROES) break;
      if (userId === joiner) continue;
      const member = stateBefore.get(stateKey('m.room.member', userId));
      if (member === undefined) continue;
      keep.push(member);
      heroes++;
    }
  }
  return [...new Set(keep)];
}

export function buildSendJoinResponse(input: SendJoinResponseInput): JsonObject {
  const joiner = input.join.stateKey ?? input.join.sender;
  const stateIds = input.omitMembers
    ? partialStateIds(input.stateBefore, joiner, input.heroCandidates)
    : [...input.stateBefore.values()];
  const stateSet = new Set(stateIds);
  const chainIds = authChain([...stateIds, ...input.join.authEventIds], input.getEvent);
  for (const id of input.join.authEventIds) chainIds.add(id);
  // With omit_members the spec lets us leave out of auth_chain what state already carries.
  const authIds = [...chainIds].filter((id) => !(input.omitMembers && stateSet.has(id)));
  const pdus = (ids: Iterable<string>): Pdu[] => {
    const out: Pdu[] = [];
    for (const id of ids) {
      const event = input.getEvent(id);
      if (event) out.push(input.toFederationPdu(event));
    }
    return out;
  };
  const response: JsonObject = {
    origin: input.origin,
    state: pdus(stateIds),
    auth_chain: pdus(authIds),
    event: input.toFederationPdu(input.join),
    members_omitted: input.omitMembers,
  };
  if (input.omitMembers) {
    const servers = input.serversInRoom();
    response['servers_in_room'] = servers;
    if (input.unstableNames) {
      response['org.matrix.msc3706.partial_state'] = true;
      response['org.matrix.msc3706.servers_in_room'] = servers;
    }
  }
  return response;
}
