/**
 * One event of a scripted room, with the state before and after it as the script defines them
 * (the peer's truth, which it serves on /state_ids, /state and send_join).
 */
import type { PeerJsonObject } from './peer-json';

/** A state map: `stateKeyOf(type, state_key)` → event ID. */
export type PeerStateMap = ReadonlyMap<string, string>;

/** Unambiguous map key for a (type, state_key) pair. */
export function stateKeyOf(type: string, stateKey: string): string {
  return JSON.stringify([type, stateKey]);
}

export function parseStateKey(key: string): { type: string; stateKey: string } {
  const [type, stateKey] = JSON.parse(key) as [string, string];
  return { type, stateKey };
}

export interface DagEvent {
  readonly eventId: string;
  /** Exactly what the peer serves (signed; possibly tampered on purpose). */
  readonly pdu: PeerJsonObject;
  readonly type: string;
  readonly stateKey: string | undefined;
  readonly sender: string;
  readonly content: PeerJsonObject;
  readonly depth: number;
  readonly prevEvents: readonly string[];
  readonly authEvents: readonly string[];
  readonly stateBefore: PeerStateMap;
  readonly stateAfter: PeerStateMap;
  /** In the script's truth this event is rejected: it never enters the state. */
  readonly rejected: boolean;
  /** Authored by the script, or received from another server (send_join, /send, send_leave). */
  readonly source: 'script' | 'received';
  /** Position in the order the peer learned events (stands in for stream ordering). */
  readonly index: number;
}

export function serverNameOf(userId: string): string {
  const colon = userId.indexOf(':');
  if (colon < 0) throw new Error(`not a user ID: ${userId}`);
  return userId.slice(colon + 1);
}
