/**
 * Auth chains and the auth difference (spec rooms/v2 "State resolution", definitions "Auth chain"
 * and "Auth difference").
 *
 * The auth chain of an event is every event reachable through `auth_events`, recursively; the
 * event itself is not part of it (spec wording; Ruma and gomatrixserverlib agree — Synapse's
 * storage layer also counts the state events themselves, which only matters for an event that is
 * in every state set but cited from some of them only).
 *
 * Everything here is iterative: auth DAGs can be 100k events deep, far beyond the JS call stack.
 */
import type { RoomEvent } from '../events/room-event';
import type { StateMap } from '../events/state-map';
import { MissingEventError } from './missing-event-error';

export type EventLookup = (eventId: string) => RoomEvent | undefined;

/**
 * The union of the auth chains of `eventIds`. A starting event is only in the result when another
 * starting event's chain reaches it. O(V + E) over the chain.
 *
 * @throws MissingEventError when a starting event or any event in the chain is unknown.
 */
export function authChain(eventIds: Iterable<string>, getEvent: EventLookup): Set<string> {
  const chain = new Set<string>();
  // Parallel stacks: the event to expand and who cited it (for the error message).
  const pending: string[] = [];
  const citedBy: (string | undefined)[] = [];
  for (const id of eventIds) {
    pending.push(id);
    citedBy.push(undefined);
  }
  const expanded = new Set<string>();
  while (pending.length > 0) {
    const id = pending.pop() as string;
    const referencer = citedBy.pop();
    if (expanded.has(id)) continue;
    expanded.add(id);
    const event = getEvent(id);
    if (!event) throw new MissingEventError(id, referencer);
    for (const authId of event.authEventIds) {
      if (chain.has(authId)) continue;
      chain.add(authId);
      pending.push(authId);
      citedBy.push(id);
    }
  }
  return chain;
}

/**
 * The auth DAG below a set of events, with events numbered in discovery order so the hot loops
 * work on typed arrays instead of string-keyed maps. The auth events of node `i` are
 * `edges[edgeStart[i] .. edgeStart[i + 1])`.
 */
export interface IndexedAuthGraph {
  readonly ids: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  readonly edgeStart: Int32Array;
  readonly edges: Int32Array;
}

/**
 * Numbers every event reachable from `roots` (roots included) by a breadth-first walk over
 * `auth_events`. One `getEvent` call per event, O(V + E).
 *
 * @throws MissingEventError for an unknown root or auth event.
 */
export function indexAuthGraph(roots: Iterable<string>, getEvent: EventLookup): IndexedAuthGraph {
  const ids: string[] = [];
  const indexOf = new Map<string, number>();
  for (const id of roots) {
    if (indexOf.has(id)) continue;
    indexOf.set(id, ids.length);
    ids.push(id);
  }
  const edgeStartList: number[] = [];
  const edgeList: number[] = [];
  // The queue is implicit: nodes are processed in index order, so node i's edges are appended
  // exactly when i is processed and edgeStart[i] is the edge count at that moment.
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as string;
    const event = getEvent(id);
    if (!event) throw new MissingEventError(id, firstCiter(i, edgeStartList, edgeList, ids));
    edgeStartList.push(edgeList.length);
    for (const authId of event.authEventIds) {
      let target = indexOf.get(authId);
      if (target === undefined) {
        target = ids.length;
        indexOf.set(authId, target);
        ids.push(authId);
      }
      edgeList.push(target);
    }
  }
  edgeStartList.push(edgeList.length);
  return {
    ids,
    indexOf,
    edgeStart: Int32Array.from(edgeStartList),
    edges: Int32Array.from(edgeList),
  };
}

/** Only for error messages: which already-expanded event cites node `target`. */
function firstCiter(
  target: number,
  edgeStart: readonly number[],
  edges: readonly number[],
  ids: readonly string[],
): string | undefined {
  for (let node = 0; node < edgeStart.length; node++) {
    const end = node + 1 < edgeStart.length ? (edgeStart[node + 1] as number) : edges.length;
    for (let e = edgeStart[node] as number; e < end; e++) {
      if (edges[e] === target) return ids[node];
    }
  }
  return undefined;
}

/**
 * The auth difference of the state sets: ∪Cᵢ − ∩Cᵢ where Cᵢ is the union of the auth chains of
 * the events in state set i.
 *
 * One walk over the whole auth DAG below the state sets, whatever the number of sets: each event
 * carries a bit mask of the sets whose chain contains it, pushed from citing events to their auth
 * events in topological order (Kahn). O(V + E) with V, E the size of that DAG (times ⌈k/32⌉ for
 * k state sets); a 100k-event DAG takes a few tens of milliseconds.
 *
 * @throws MissingEventError when a state event or anything in its auth chain is unknown.
 */
export function authChainDifference(
  stateSets: readonly StateMap[],
  getEvent: EventLookup,
): Set<string> {
  const roots: string[] = [];
  for (const stateSet of stateSets) for (const id of stateSet.values()) roots.push(id);
  return authChainDifferenceInGraph(stateSets, indexAuthGraph(roots, getEvent));
}

/**
 * {@link authChainDifference} over an already indexed graph (which must contain every event of
 * every state set), so a caller resolving repeatedly over one DAG indexes it once.
 */
export function authChainDifferenceInGraph(
  stateSets: readonly StateMap[],
  graph: IndexedAuthGraph,
): Set<string> {
  const setCount = stateSets.length;
  const result = new Set<string>();
  if (setCount < 2) return result;
  const words = Math.ceil(setCount / 32);
  const n = graph.ids.length;
  const { edgeStart, edges } = graph;

  // own: the sets that contain the event itself; reach: the sets whose auth chain contains it.
  const own = new Uint32Array(n * words);
  const reach = new Uint32Array(n * words);
  stateSets.forEach((stateSet, s) => {
    const word = s >>> 5;
    const bit = (1 << (s & 31)) >>> 0;
    for (const id of stateSet.values()) {
      const node = graph.indexOf.get(id);
      if (node === undefined) throw new MissingEventError(id, undefined);
      own[node * words + word] = ((own[node * words + word] as number) | bit) >>> 0;
    }
  });

  const indegree = new Int32Array(n);
  for (const target of edges) indegree[target] = (indegree[target] as number) + 1;

  const push = (from: number, to: number): boolean => {
    let changed = false;
    for (let w = 0; w < words; w++) {
      const before = reach[to * words + w] as number;
      const after =
        (before | (own[from * words + w] as number) | (reach[from * words + w] as number)) >>> 0;
      if (after !== before) {
        reach[to * words + w] = after;
        changed = true;
      }
    }
    return changed;
  };

  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let node = 0; node < n; node++) if (indegree[node] === 0) queue[tail++] = node;
  const done = new Uint8Array(n);
  while (head < tail) {
    const node = queue[head++] as number;
    done[node] = 1;
    for (let e = edgeStart[node] as number; e < (edgeStart[node + 1] as number); e++) {
      const target = edges[e] as number;
      push(node, target);
      const remaining = (indegree[target] as number) - 1;
      indegree[target] = remaining;
      if (remaining === 0) queue[tail++] = target;
    }
  }

  // A well-formed auth graph is acyclic, but v1/v2 event IDs are chosen by the sender, so a
  // malicious server can forge a cycle. Nodes on (or below) one never reach indegree 0; finish
  // them with a fixpoint (masks only grow, so it terminates).
  if (tail < n) {
    const work: number[] = [];
    const queued = new Uint8Array(n);
    for (let node = 0; node < n; node++) {
      if (!done[node]) {
        work.push(node);
        queued[node] = 1;
      }
    }
    while (work.length > 0) {
      const node = work.pop() as number;
      queued[node] = 0;
      for (let e = edgeStart[node] as number; e < (edgeStart[node + 1] as number); e++) {
        const target = edges[e] as number;
        if (push(node, target) && !queued[target]) {
          queued[target] = 1;
          work.push(target);
        }
      }
    }
  }

  const fullWord = (w: number): number =>
    w < words - 1 || setCount % 32 === 0 ? 0xffffffff : ((1 << (setCount % 32)) - 1) >>> 0;
  for (let node = 0; node < n; node++) {
    let any = false;
    let all = true;
    for (let w = 0; w < words; w++) {
      const mask = reach[node * words + w] as number;
      if (mask !== 0) any = true;
      if (mask !== fullWord(w)) all = false;
    }
    if (any && !all) result.add(graph.ids[node] as string);
  }
  return result;
}

/**
 * The auth difference from precomputed full auth chains, one per state set (the shape Ruma's
 * `resolve` takes, for callers that cache chains). O(Σ|Cᵢ|).
 */
export function authDifferenceOfChains(chains: readonly ReadonlySet<string>[]): Set<string> {
  const counts = new Map<string, number>();
  for (const chain of chains) {
    for (const id of chain) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const result = new Set<string>();
  for (const [id, count] of counts) if (count < chains.length) result.add(id);
  return result;
}

/**
 * The auth difference from precomputed per-event auth chains (e.g. a storage-side cache keyed by
 * event): Cᵢ is the union of the chains of set i's events. O(Σ over events of |chain|), so it
 * pays off when chains are short or shared; {@link authChainDifference} is O(V + E) regardless.
 *
 * @throws MissingEventError when `chainOf` has no chain for a state event.
 */
export function authChainDifferenceFromEventChains(
  stateSets: readonly StateMap[],
  chainOf: (eventId: string) => ReadonlySet<string> | undefined,
): Set<string> {
  const chains = stateSets.map((stateSet) => {
    const full = new Set<string>();
    for (const id of stateSet.values()) {
      const chain = chainOf(id);
      if (!chain) throw new MissingEventError(id, undefined);
      for (const authId of chain) full.add(authId);
    }
    return full;
  });
  return authDifferenceOfChains(chains);
}
