/**
 * State resolution v2 (spec rooms/v2 "State resolution"; Synapse `synapse/state/v2.py`, Ruma
 * `ruma-state-res`, gomatrixserverlib `stateresolutionv2.go`) and its v2.1 revision (spec
 * rooms/v12, MSC4297), which differs in exactly two tweaks:
 *   - the first iterative auth checks start from the empty state, not the unconflicted state
 *     (MSC4297 "Problem A": the unconflicted state can already hold events that the conflicted
 *     ones were authorised *before*, so replaying onto it rejects legitimate events);
 *   - the full conflicted set also includes the conflicted state subgraph ("Problem B").
 *
 * Only the conflicted set, the auth difference (and the subgraph) are sorted and re-authorised,
 * so the cost is the auth-difference walk plus O(c log c) in the conflicted events, never
 * quadratic in the room state.
 */
import type { StateKey, StateMap } from '../events/state-map';
import { stateKey } from '../events/state-map';
import type { RoomVersion } from '../room-versions';
import { authChainDifference } from './auth-chain';
import { conflictedEventIds, splitConflictedState } from './conflicted-state';
import { conflictedStateSubgraph } from './conflicted-subgraph';
import { iterativeAuthChecks } from './iterative-auth-checks';
import { mainlineSort } from './mainline-ordering';
import { isPowerEvent } from './power-events';
import { sortPowerEvents } from './reverse-topological-power-ordering';
import type { StateResContext } from './state-res-context';

const POWER_LEVELS_KEY = stateKey('m.room.power_levels', '');

export interface StateResV2Tweaks {
  /** v2.1: begin the power-event auth checks from the empty state map. */
  readonly startFromEmptyState: boolean;
  /** v2.1: add the conflicted state subgraph to the full conflicted set. */
  readonly includeConflictedSubgraph: boolean;
}

export function stateResV2Tweaks(version: RoomVersion): StateResV2Tweaks {
  const v21 = version.stateResolution === 'v2.1';
  return { startFromEmptyState: v21, includeConflictedSubgraph: v21 };
}

export function resolveStateV2(
  stateSets: readonly StateMap[],
  ctx: StateResContext,
  tweaks: StateResV2Tweaks,
): Map<StateKey, string> {
  const { unconflicted, conflicted } = splitConflictedState(stateSets);
  if (conflicted.size === 0) return unconflicted;

  const conflictedIds = conflictedEventIds(conflicted);
  const candidates = new Set(conflictedIds);
  for (const id of authChainDifference(stateSets, ctx.getEvent)) candidates.add(id);
  if (tweaks.includeConflictedSubgraph) {
    for (const id of conflictedStateSubgraph(conflictedIds, ctx.getEvent)) candidates.add(id);
  }
  // Synapse and Ruma leave out events they cannot load rather than failing the resolution; with
  // the auth-chain walks above any such event would already have been reported, so this only
  // drops events a caller's lookup refuses to serve (e.g. ones it knows to be unverifiable).
  const fullConflictedSet = new Set<string>();
  for (const id of candidates) if (ctx.getEvent(id)) fullConflictedSet.add(id);

  // Step 1: power events and the parts of their auth chains in the full conflicted set.
  const powerEvents: string[] = [];
  for (const id of fullConflictedSet) {
    const event = ctx.getEvent(id);
    if (event && isPowerEvent(event)) powerEvents.push(id);
  }
  const sortedPowerEvents = sortPowerEvents(powerEvents, fullConflictedSet, ctx);

  // Step 2.
  const initialState = tweaks.startFromEmptyState ? new Map<StateKey, string>() : unconflicted;
  const partial = iterativeAuthChecks(sortedPowerEvents, initialState, ctx);

  // Step 3: everything else, by mainline of the partially resolved power levels.
  const picked = new Set(sortedPowerEvents);
  const remaining: string[] = [];
  for (const id of fullConflictedSet) if (!picked.has(id)) remaining.push(id);
  const sortedRemaining = mainlineSort(remaining, partial.get(POWER_LEVELS_KEY), ctx);

  // Step 4.
  const resolved = iterativeAuthChecks(sortedRemaining, partial, ctx);

  // Step 5: the unconflicted state always wins.
  for (const [key, id] of unconflicted) resolved.set(key, id);
  return resolved;
}
