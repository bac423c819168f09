/**
 * A room state is a map from (event type, state key) to an event ID. The pair is encoded as one
 * string so it can key a native Map; the encoding is unambiguous for any two strings.
 */
export type StateKey = string & { readonly __brand: 'StateKey' };

export type StateMap = ReadonlyMap<StateKey, string>;

export function stateKey(type: string, key: string): StateKey {
  return JSON.stringify([type, key]) as StateKey;
}

export function parseStateKey(encoded: StateKey): { type: string; stateKey: string } {
  const [type, key] = JSON.parse(encoded) as [string, string];
  return { type, stateKey: key };
}
