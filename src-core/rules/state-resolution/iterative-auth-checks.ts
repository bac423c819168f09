/**
 * Spec rooms/v2 "Iterative auth checks": apply each event in order to the state if the auth
 * rules allow it against that state; a key the rules need but the state lacks comes from the
 * event's own (non-rejected) auth events. In v12 the create event is never among the auth events
 * (MSC4291), so the room's create event answers that key last.
 */
import type { AuthStateLookup } from '../auth/auth-types';
import type { RoomEvent } from '../events/room-event';
import type { StateKey } from '../events/state-map';
import { stateKey } from '../events/state-map';
import type { StateResContext } from './state-res-context';

export function iterativeAuthChecks(
  eventIds: readonly string[],
  initialState: ReadonlyMap<StateKey, string>,
  ctx: StateResContext,
): Map<StateKey, string> {
  const state = new Map(initialState);
  for (const id of eventIds) {
    const event = ctx.getEvent(id);
    // Only state events can be in state sets or auth chains; anything else is ignored.
    if (!event || event.stateKey === undefined) continue;
    const verdict = ctx.rules.authorizeEvent(event, authLookup(event, state, ctx), ctx.version);
    if (verdict.allowed) state.set(stateKey(event.type, event.stateKey), id);
  }
  return state;
}

/** The state an event is checked against during resolution (see the module comment). */
export function authLookup(
  event: RoomEvent,
  state: ReadonlyMap<StateKey, string>,
  ctx: StateResContext,
): AuthStateLookup {
  let fromAuthEvents: Map<StateKey, RoomEvent> | undefined;
  const ownAuthEvent = (key: StateKey): RoomEvent | undefined => {
    if (!fromAuthEvents) {
      fromAuthEvents = new Map();
      for (const authId of event.authEventIds) {
        if (ctx.isRejected(authId)) continue;
        const authEvent = ctx.getEvent(authId);
        if (authEvent && authEvent.stateKey !== undefined) {
          fromAuthEvents.set(stateKey(authEvent.type, authEvent.stateKey), authEvent);
        }
      }
    }
    return fromAuthEvents.get(key);
  };
  return {
    get(type: string, key: string): RoomEvent | undefined {
      const k = stateKey(type, key);
      const stateId = state.get(k);
      if (stateId !== undefined && !ctx.isRejected(stateId)) {
        const fromState = ctx.getEvent(stateId);
        if (fromState) return fromState;
      }
      const own = ownAuthEvent(k);
      if (own) return own;
      if (ctx.version.roomIdFromCreateEvent && type === 'm.room.create' && key === '') {
        return ctx.createEvent;
      }
      return undefined;
    },
  };
}
