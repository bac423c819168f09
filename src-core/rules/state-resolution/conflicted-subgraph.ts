/**
 * Spec rooms/v12 "Conflicted state subgraph" (MSC4297): every event on an `auth_events` path from
 * one conflicted event to another, endpoints included. Replaying these events in state res v2.1
 * stops a fork that cites stale auth events from resetting state that its own auth chain already
 * superseded (MSC4297 "Problem B").
 *
 * An event X is on such a path exactly when X is in the auth chain of some conflicted event and
 * some conflicted event is in the auth chain of X. So: walk the auth chains of the conflicted
 * events once, remembering the edges, then walk those edges backwards from the conflicted events.
 * O(V + E) over the auth chains of the conflicted events.
 */
import type { EventLookup } from './auth-chain';
import { MissingEventError } from './missing-event-error';

export function conflictedStateSubgraph(
  conflictedIds: ReadonlySet<string>,
  getEvent: EventLookup,
): Set<string> {
  // citers.get(a) = the events (conflicted, or in their auth chains) that cite a.
  const citers = new Map<string, string[]>();
  const expanded = new Set<string>();
  const stack = [...conflictedIds];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (expanded.has(id)) continue;
    expanded.add(id);
    const event = getEvent(id);
    if (!event) throw new MissingEventError(id, undefined);
    for (const authId of event.authEventIds) {
      const list = citers.get(authId);
      if (list) list.push(id);
      else citers.set(authId, [id]);
      if (!expanded.has(authId)) stack.push(authId);
    }
  }
  // Backwards from the conflicted events: everything that reaches one of them. Only events that
  // were expanded above can appear as citers, so all of them lie below some conflicted event.
  const subgraph = new Set<string>(conflictedIds);
  const frontier = [...conflictedIds];
  while (frontier.length > 0) {
    const id = frontier.pop() as string;
    for (const citer of citers.get(id) ?? []) {
      if (subgraph.has(citer)) continue;
      subgraph.add(citer);
      frontier.push(citer);
    }
  }
  return subgraph;
}
