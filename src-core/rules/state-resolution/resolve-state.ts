/**
 * The entry point: resolve a room's forked states with the algorithm its version prescribes
 * (`RoomVersion.stateResolution`: v1 for room v1, v2 for v2–v11, v2.1 for v12).
 *
 * Deterministic and order-independent: the result depends only on the *set* of state sets and
 * their contents, never on the order of `stateSets` or of map iteration (every ordering step has a
 * total tie-break ending in the event ID). The returned map's own iteration order carries no
 * meaning.
 *
 * Missing events: every event of the state sets and of their auth chains must be available; the
 * auth-chain walk throws `MissingEventError` naming the first one it cannot load (state res v2
 * cannot compare chains with holes). Like Synapse and Ruma, lookups that merely *consult* auth
 * events (sender power levels, mainline walks, auth events standing in for missing state) skip
 * events that cannot be loaded instead of failing. v1 needs only the conflicted events and their
 * auth events, and reports a missing conflicted event the same way.
 */
import { authorizeEvent } from '../auth/authorize-event';
import { userPowerLevel } from '../auth/power-levels';
import type { StateKey, StateMap } from '../events/state-map';
import type { RoomVersion } from '../room-versions';
import type { EventLookup } from './auth-chain';
import { findRoomCreateEvent } from './room-create-event';
import type { StateResAuthRules, StateResContext, StateResOptions } from './state-res-context';
import { resolveStateV1 } from './state-res-v1';
import { resolveStateV2, stateResV2Tweaks } from './state-res-v2';

export const SPEC_AUTH_RULES: StateResAuthRules = { authorizeEvent, userPowerLevel };

export function resolveState(
  version: RoomVersion,
  stateSets: readonly StateMap[],
  getEvent: EventLookup,
  options: StateResOptions = {},
): StateMap {
  return resolveStateWithRules(version, stateSets, getEvent, SPEC_AUTH_RULES, options);
}

/** {@link resolveState} with the auth rules supplied by the caller (tests, instrumentation). */
export function resolveStateWithRules(
  version: RoomVersion,
  stateSets: readonly StateMap[],
  getEvent: EventLookup,
  rules: StateResAuthRules,
  options: StateResOptions = {},
): Map<StateKey, string> {
  if (stateSets.length === 0) return new Map();
  if (stateSets.length === 1) return new Map(stateSets[0]);
  const ctx: StateResContext = {
    version,
    getEvent,
    rules,
    isRejected: options.isRejected ?? (() => false),
    createEvent: findRoomCreateEvent(version, stateSets, getEvent),
  };
  switch (version.stateResolution) {
    case 'v1':
      return resolveStateV1(stateSets, ctx);
    case 'v2':
    case 'v2.1':
      return resolveStateV2(stateSets, ctx, stateResV2Tweaks(version));
  }
}
