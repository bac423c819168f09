/**
 * Test-only: a terse way to build `RoomEvent`s for the auth-rule tables. Ids are arbitrary
 * strings (`$create`), nothing is hashed or signed; the `pdu` is a plausible wire form so code
 * that peeks at it (e.g. `room_id` presence on v12 create events) sees consistent data.
 */
import type { JsonObject } from '../json';
import type { Pdu } from '../events/pdu';
import type { RoomEvent } from '../events/room-event';

export const TEST_ROOM_ID = '!room:a.example';

export interface TestEventSpec {
  id: string;
  type: string;
  sender: string;
  /** Omit for a message event. */
  stateKey?: string;
  content?: JsonObject;
  prev?: string[];
  auth?: string[];
  /** `null` builds an event without `room_id` (a v12 create event). */
  roomId?: string | null;
  redacts?: string;
  depth?: number;
}

export function testEvent(spec: TestEventSpec): RoomEvent {
  const roomId = spec.roomId === undefined ? TEST_ROOM_ID : spec.roomId;
  const content = spec.content ?? {};
  const pdu: JsonObject = {
    sender: spec.sender,
    type: spec.type,
    content,
    origin_server_ts: 0,
    depth: spec.depth ?? 1,
    prev_events: spec.prev ?? [],
    auth_events: spec.auth ?? [],
    hashes: { sha256: '' },
    signatures: {},
  };
  if (roomId !== null) pdu['room_id'] = roomId;
  if (spec.stateKey !== undefined) pdu['state_key'] = spec.stateKey;
  if (spec.redacts !== undefined) pdu['redacts'] = spec.redacts;
  return {
    eventId: spec.id,
    roomId: roomId ?? '',
    type: spec.type,
    stateKey: spec.stateKey,
    sender: spec.sender,
    content,
    originServerTs: 0,
    depth: spec.depth ?? 1,
    prevEventIds: spec.prev ?? [],
    authEventIds: spec.auth ?? [],
    redacts: spec.redacts,
    pdu: pdu as Pdu,
  };
}
