/**
 * Test-only: builds `RoomEvent`s for the state-resolution tests and fixtures. Nothing is hashed or
 * signed; ids are whatever the test says. The `pdu` mirrors the fields so code that reads the wire
 * form sees consistent data.
 */
import type { JsonObject } from '../json';
import type { Pdu } from '../events/pdu';
import type { RoomEvent } from '../events/room-event';
import type { StateMap } from '../events/state-map';
import { stateKey } from '../events/state-map';

export interface TestRoomEventSpec {
  id: string;
  type: string;
  sender: string;
  /** Omit for a message event. */
  stateKey?: string;
  content?: JsonObject;
  auth?: readonly string[];
  prev?: readonly string[];
  ts?: number;
  depth?: number;
  /** `null` leaves `room_id` out (a v12 create event). */
  roomId?: string | null;
}

export const TEST_STATE_RES_ROOM = '!room:example.com';

export function roomEvent(spec: TestRoomEventSpec): RoomEvent {
  const content = spec.content ?? {};
  const roomId = spec.roomId === undefined ? TEST_STATE_RES_ROOM : spec.roomId;
  const pdu: JsonObject = {
    sender: spec.sender,
    type: spec.type,
    content,
    origin_server_ts: spec.ts ?? 0,
    depth: spec.depth ?? 1,
    prev_events: [...(spec.prev ?? [])],
    auth_events: [...(spec.auth ?? [])],
    hashes: { sha256: '' },
    signatures: {},
  };
  if (roomId !== null) pdu['room_id'] = roomId;
  if (spec.stateKey !== undefined) pdu['state_key'] = spec.stateKey;
  return {
    eventId: spec.id,
    roomId: roomId ?? '',
    type: spec.type,
    stateKey: spec.stateKey,
    sender: spec.sender,
    content,
    originServerTs: spec.ts ?? 0,
    depth: spec.depth ?? 1,
    prevEventIds: [...(spec.prev ?? [])],
    authEventIds: [...(spec.auth ?? [])],
    redacts: undefined,
    pdu: pdu as Pdu,
  };
}

export function eventStore(events: Iterable<RoomEvent>): Map<string, RoomEvent> {
  const map = new Map<string, RoomEvent>();
  for (const event of events) map.set(event.eventId, event);
  return map;
}

/** The state map holding exactly these (state) events. */
export function stateOf(events: Iterable<RoomEvent>): Map<ReturnType<typeof stateKey>, string> {
  const map = new Map<ReturnType<typeof stateKey>, string>();
  for (const event of events) {
    if (event.stateKey === undefined) throw new Error(`${event.eventId} is not a state event`);
    map.set(stateKey(event.type, event.stateKey), event.eventId);
  }
  return map;
}

/** A state map as a plain sorted object, for readable assertions. */
export function stateObject(state: StateMap): Record<string, string> {
  return Object.fromEntries([...state.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
