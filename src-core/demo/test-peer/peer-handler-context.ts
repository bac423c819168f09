/** What the peer's endpoint handlers share: identity, hosted rooms, switches and records. */
import type { PeerEndpoint } from './peer-endpoints';
import type { PeerJson, PeerJsonObject } from './peer-json';
import type { PeerSigningKey } from './peer-signing-key';
import type { ScriptedRoom } from './scripted-room';

export interface PeerRequest {
  endpoint: PeerEndpoint;
  method: string;
  /** Decoded path parameters, in path order. */
  params: string[];
  query: URLSearchParams;
  body: unknown;
  origin: string | undefined;
}

export interface PeerReply {
  status: number;
  body: PeerJson;
}

export interface ReceivedTransaction {
  txnId: string;
  origin: string | undefined;
  pdus: PeerJsonObject[];
  edus: PeerJsonObject[];
  time: number;
}

export interface PeerSwitches {
  /** Answer send_join with the full state even when the joiner asks for omit_members. */
  serveFullState: boolean;
}

export interface PeerHandlerContext {
  serverName: string;
  signingKey: PeerSigningKey;
  room(roomId: string): ScriptedRoom | undefined;
  rooms(): Iterable<ScriptedRoom>;
  switches: PeerSwitches;
  aliases: Map<string, { roomId: string; servers: string[] }>;
  profiles: Map<string, PeerJsonObject>;
  transactions: ReceivedTransaction[];
}

export function ok(body: PeerJson): PeerReply {
  return { status: 200, body };
}

export function matrixError(status: number, errcode: string, error: string): PeerReply {
  return { status, body: { errcode, error } };
}

export function requireRoom(
  context: PeerHandlerContext,
  roomId: string | undefined,
): ScriptedRoom | PeerReply {
  const room = roomId === undefined ? undefined : context.room(roomId);
  return room ?? matrixError(404, 'M_NOT_FOUND', `the test peer hosts no room ${roomId}`);
}

export function isReply(value: unknown): value is PeerReply {
  return typeof value === 'object' && value !== null && 'status' in value && 'body' in value;
}
