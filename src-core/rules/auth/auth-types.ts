import type { RoomEvent } from '../events/room-event';

/**
 * The state an event is authorised against: its auth events (check 4), the state before it
 * (check 5), the room's current state (check 6), or a resolution in progress. In v12 rooms the
 * create event is not among an event's auth_events, so whoever builds a lookup must still make
 * `get('m.room.create', '')` answer (it is found from the room ID).
 */
export interface AuthStateLookup {
  get(type: string, stateKey: string): RoomEvent | undefined;
}

/**
 * A machine-readable rule id (for tests, storage and the GUI's filters) plus a sentence a person
 * can read, e.g. `{ rule: 'member.join.banned', reason: '@bob:b is banned from the room' }`.
 */
export interface AuthRejection {
  readonly allowed: false;
  readonly rule: string;
  readonly reason: string;
}

export type AuthVerdict = { readonly allowed: true } | AuthRejection;

export const ALLOWED: AuthVerdict = Object.freeze({ allowed: true });
