/**
 * JSON value types for the test peer. Deliberately its own (not `src-core/rules/json`): the peer
 * must share no code with the server it tests, so that a bug there cannot hide in both.
 */
export type PeerJson = null | boolean | number | string | PeerJson[] | PeerJsonObject;
export interface PeerJsonObject {
  [key: string]: PeerJson;
}

export function isPeerJsonObject(value: unknown): value is PeerJsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy through JSON, so scripts can mutate what they are handed without touching the DAG. */
export function cloneJson<T extends PeerJson>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
