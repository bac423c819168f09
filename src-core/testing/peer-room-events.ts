/**
 * Test helper: puts events of a user on another (real, running) homeserver into a room held by
 * `resident`, as if they had arrived over federation — built on the resident's tips, signed
 * with the peer's key, authorised against the state before them, and persisted. Lets tests of
 * the serving side have remote members without running the join handshake.
 */
import type { Homeserver } from '../homeserver';
import { authorizeEvent } from '../rules/auth/authorize-event';
import { selectAuthEventIds } from '../rules/auth/auth-event-selection';
import type { Pdu } from '../rules/events/pdu';
import type { RoomEvent } from '../rules/events/room-event';
import { toRoomEvent } from '../rules/events/room-event';
import { computeEventId } from '../rules/hashes/event-id';
import type { JsonObject } from '../rules/json';
import { signEvent } from '../rules/signing/sign-event';

export interface PeerEventSpec {
  roomId: string;
  sender: string;
  type: string;
  stateKey?: string;
  content: JsonObject;
}

export function persistPeerEvent(
  resident: Homeserver,
  peer: Homeserver,
  spec: PeerEventSpec,
): RoomEvent {
  const rooms = resident.context.rooms;
  const version = rooms.roomStore.getRoomVersion(spec.roomId);
  if (!version) throw new Error(`${resident.config.serverName} does not know ${spec.roomId}`);
  const prevs = rooms.builder.choosePrevEvents(spec.roomId);
  const stateBefore = rooms.roomState.stateAfterEvents(
    version,
    prevs.map((p) => p.eventId),
  );
  const lookup = rooms.roomState.lookup(stateBefore.state);
  const authIds = selectAuthEventIds(
    spec.type,
    spec.stateKey,
    spec.sender,
    spec.content,
    version,
    lookup,
  );
  const v1 = version.eventIdFormat === 'v1';
  const template: JsonObject = {
    room_id: spec.roomId,
    type: spec.type,
    sender: spec.sender,
    content: spec.content,
    depth: Math.max(0, ...prevs.map((p) => p.depth)) + 1,
    origin_server_ts: Date.now(),
    prev_events: v1 ? prevs.map((p) => [p.eventId, p.pdu.hashes]) : prevs.map((p) => p.eventId),
    auth_events: v1
      ? authIds.map((id) => [id, rooms.eventStore.getEvent(id)?.pdu.hashes ?? { sha256: '' }])
      : authIds,
  };
  if (spec.stateKey !== undefined) template['state_key'] = spec.stateKey;
  if (v1)
    template['event_id'] = `$${Math.random().toString(36).slice(2)}:${peer.config.serverName}`;
  const pdu = signEvent(template, peer.config.serverName, peer.context.signingKey, version) as Pdu;
  const event = toRoomEvent(pdu, computeEventId(pdu, version), version);
  const verdict = authorizeEvent(event, lookup, version);
  if (!verdict.allowed) throw new Error(`peer event refused: ${verdict.reason}`);
  rooms.persister.persist({ timeline: [{ event, stateBefore }] });
  return event;
}
