import type { JsonObject } from '../json';

/** `sha256` content hash, unpadded standard base64. */
export interface EventHashes {
  sha256: string;
  [algorithm: string]: string;
}

/** server name → key id → unpadded base64 signature. */
export type Signatures = Record<string, Record<string, string>>;

/** v1/v2 rooms reference events as `[event_id, {sha256: reference_hash}]` pairs. */
export type EventReference = string | [string, EventHashes];

/**
 * A persistent data unit exactly as it travels over federation (the signed wire form).
 * Only the shape is promised here; `validateEventFormat` decides whether a given value is one.
 */
export interface Pdu extends JsonObject {
  // `room_id` is not declared: it is absent on a v12+ create event, whose event ID defines the
  // room ID (MSC4291). Use RoomEvent.roomId.
  sender: string;
  type: string;
  content: JsonObject;
  origin_server_ts: number;
  depth: number;
  prev_events: EventReference[];
  auth_events: EventReference[];
  hashes: EventHashes;
  signatures: Signatures;
}
