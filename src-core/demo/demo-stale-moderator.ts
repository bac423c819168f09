/**
 * The seed's tricky case, played in the demo room by the scripted test peer (the only one of
 * our servers willing to author events the rules forbid):
 *
 * Before our join, the peer's xavier is made moderator (100) and mallory gets 50 by the room's
 * creator on the Skein resident; xavier sets the topic and mallory the name (so both joins are
 * in the auth chain a partial join receives), then xavier leaves. A partial joiner never sees
 * that leave: member events are omitted from its state.
 *
 * After our join, the peer sends us, citing xavier's stale join:
 *  1. xavier demotes mallory to 0 — accepted under partial state, rejected under full state;
 *  2. mallory sets the topic on top of it — rejected under partial state (the demotion), accepted
 *     under full state;
 *  3. xavier kicks mallory — accepted under partial state, rejected under full state.
 * So stepping the resync through them shows verdict flips both ways, a changed partial state
 * entry, and finally a change to the room's current state.
 */
import type { Homeserver } from '../homeserver';
import type { JsonObject } from '../rules/json';
import { isJsonObject } from '../rules/json';
import type { DagEvent } from './test-peer/dag-event';
import type { PeerJsonObject } from './test-peer/peer-json';
import type { ScriptedRoom } from './test-peer/scripted-room';
import type { TestPeer } from './test-peer/test-peer';
import { waitUntil } from './demo-wait';

export interface StaleModeratorPrelude {
  xavier: string;
  mallory: string;
  /** The power levels that made xavier moderator (the last valid ones). */
  powerLevels: PeerJsonObject;
  /** An event while xavier was still joined: his later events cite the auth from here. */
  whileJoined: string;
}

export interface StaleModeratorEvents {
  demotion: DagEvent;
  topic: DagEvent;
  kick: DagEvent;
}

function storedOn(resident: Homeserver, eventId: string): boolean {
  return resident.context.rooms.eventStore.getEvent(eventId) !== undefined;
}

/** Plays everything before our join: on the peer, sent to the resident, which must accept it. */
export async function playStaleModeratorPrelude(
  peer: TestPeer,
  room: ScriptedRoom,
  resident: Homeserver,
  creator: string,
): Promise<StaleModeratorPrelude> {
  const xavier = peer.user('xavier');
  const mallory = peer.user('mallory');
  const joins = [room.join(xavier, { displayname: 'Xavier (moderator)' }), room.join(mallory)];
  await peer.sendTransaction(resident.config.serverName, joins);
  await waitUntil('the resident to accept the peer users joins', () =>
    joins.every((e) => storedOn(resident, e.eventId)),
  );

  // The room's creator lives on the resident: it promotes them there, and fans it out to us.
  const rooms = resident.context.rooms;
  const currentId = rooms.currentState.getCurrentStateEventId(
    room.roomId,
    'm.room.power_levels',
    '',
  );
  const current = currentId === undefined ? undefined : rooms.eventStore.getEvent(currentId);
  if (!current) throw new Error(`demo room ${room.roomId} has no power levels`);
  const users = isJsonObject(current.content['users']) ? current.content['users'] : {};
  const powerLevels: JsonObject = {
    ...current.content,
    users: { ...users, [xavier]: 100, [mallory]: 50 },
  };
  const promoted = rooms.sender.send({
    roomId: room.roomId,
    type: 'm.room.power_levels',
    stateKey: '',
    sender: creator,
    content: powerLevels,
  });
  await waitUntil('the peer to receive the promotion', () => room.has(promoted.event.eventId));

  const topic = room.setTopic(xavier, 'Moderated by xavier. Be nice.');
  const name = room.setName(mallory, 'Skein demo: a partial join');
  const leave = room.leave(xavier);
  await peer.sendTransaction(resident.config.serverName, [topic, name, leave]);
  await waitUntil('the resident to accept the topic, name and leave', () =>
    [topic, name, leave].every((e) => storedOn(resident, e.eventId)),
  );
  return { xavier, mallory, powerLevels: powerLevels as PeerJsonObject, whileJoined: name.eventId };
}

/** Authors the three stale-auth events on top of J and sends them to the local server only. */
export async function sendStaleModeratorEvents(
  peer: TestPeer,
  room: ScriptedRoom,
  prelude: StaleModeratorPrelude,
  localServerName: string,
): Promise<StaleModeratorEvents> {
  const { xavier, mallory, powerLevels, whileJoined } = prelude;
  const users = (powerLevels['users'] ?? {}) as PeerJsonObject;
  const demotionContent: PeerJsonObject = { ...powerLevels, users: { ...users, [mallory]: 0 } };
  const demotionSpec = {
    type: 'm.room.power_levels',
    stateKey: '',
    sender: xavier,
    content: demotionContent,
  };
  // `rejected`: in the peer's truth (full state) these never count, as they should not.
  const demotion = room.send({
    ...demotionSpec,
    authEvents: room.authEventsAt(whileJoined, demotionSpec),
    rejected: true,
  });
  const topic = room.setTopic(mallory, 'mallory was here', { prevEvents: [demotion.eventId] });
  const kickSpec = {
    type: 'm.room.member',
    stateKey: mallory,
    sender: xavier,
    content: { membership: 'leave', reason: 'stale moderator' },
  };
  const kick = room.send({
    ...kickSpec,
    prevEvents: [topic.eventId],
    authEvents: room.authEventsAt(whileJoined, kickSpec),
    rejected: true,
  });
  await peer.sendTransaction(localServerName, [demotion, topic, kick]);
  return { demotion, topic, kick };
}
