/**
 * Spec rooms/v2 "Reverse topological power ordering", and step 1 of the algorithm: the power
 * events of the full conflicted set plus the parts of their auth chains inside that set, sorted
 * by Kahn's algorithm over the auth DAG (auth events first), choosing among ready events the one
 * whose sender has the *highest* power level, then the smallest `origin_server_ts`, then the
 * smallest event ID.
 */
import type { RoomEvent } from '../events/room-event';
import { compareEventIds } from './event-id-order';
import { MinHeap } from './min-heap';
import { senderPowerLevel } from './sender-power-level';
import type { StateResContext } from './state-res-context';

interface Ready {
  readonly id: string;
  readonly power: number;
  readonly ts: number;
}

function compareReady(a: Ready, b: Ready): number {
  if (a.power !== b.power) return a.power > b.power ? -1 : 1;
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  return compareEventIds(a.id, b.id);
}

/**
 * Kahn's algorithm over `graph` (event → the auth events it cites, all keys of `graph`),
 * emitting an event only after everything it cites, smallest by `compare` first.
 * Events on a (forged) cycle never become ready and are left out.
 */
export function lexicographicalTopologicalSort<T>(
  graph: ReadonlyMap<string, ReadonlySet<string>>,
  key: (id: string) => T,
  compare: (a: T, b: T) => number,
): string[] {
  const remaining = new Map<string, number>();
  const citers = new Map<string, string[]>();
  const heap = new MinHeap<{ id: string; key: T }>((a, b) => compare(a.key, b.key));
  for (const [id, cites] of graph) {
    remaining.set(id, cites.size);
    if (cites.size === 0) heap.push({ id, key: key(id) });
    for (const cited of cites) {
      const list = citers.get(cited);
      if (list) list.push(id);
      else citers.set(cited, [id]);
    }
  }
  const sorted: string[] = [];
  for (let next = heap.pop(); next; next = heap.pop()) {
    sorted.push(next.id);
    for (const citer of citers.get(next.id) ?? []) {
      const left = (remaining.get(citer) as number) - 1;
      remaining.set(citer, left);
      if (left === 0) heap.push({ id: citer, key: key(citer) });
    }
  }
  return sorted;
}

/**
 * The power events among `fullConflictedSet`, enlarged with the events of their auth chains that
 * are in `fullConflictedSet`, in reverse topological power order (earliest first).
 */
export function sortPowerEvents(
  powerEventIds: Iterable<string>,
  fullConflictedSet: ReadonlySet<string>,
  ctx: StateResContext,
): string[] {
  const graph = new Map<string, Set<string>>();
  const events = new Map<string, RoomEvent>();
  const stack = [...powerEventIds];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (graph.has(id)) continue;
    const cites = new Set<string>();
    graph.set(id, cites);
    const event = ctx.getEvent(id);
    if (!event) continue;
    events.set(id, event);
    for (const authId of event.authEventIds) {
      if (!fullConflictedSet.has(authId)) continue;
      cites.add(authId);
      if (!graph.has(authId)) stack.push(authId);
    }
  }
  return lexicographicalTopologicalSort(
    graph,
    (id): Ready => {
      const event = events.get(id);
      return {
        id,
        power: event ? senderPowerLevel(event, ctx) : 0,
        ts: event ? event.originServerTs : 0,
      };
    },
    compareReady,
  );
}
