/**
 * Prepares a batch of events we hold without state (a send_join answer's state and auth chain,
 * a /state answer, an /event_auth chain) for storage as outliers: each is checked against its
 * own auth events (check 4) after those, so the batch is ordered along auth edges first. Events
 * whose auth events are nowhere to be found cannot be judged and are dropped, as Synapse does.
 */
import type { AuthVerdict } from '../rules/auth/auth-types';
import type { RoomEvent } from '../rules/events/room-event';
import type { RoomVersion } from '../rules/room-versions';
import type { OutlierToPersist } from '../rooms/event-persister';
import type { Rejection } from '../storage/event-store';
import type { AuthCheckDeps } from './event-auth-checks';
import { checkAgainstAuthEvents, missingAuthEvents } from './event-auth-checks';

export interface OutlierBatch {
  outliers: OutlierToPersist[];
  dropped: { eventId: string; reason: string }[];
}

const compareEvents = (a: RoomEvent, b: RoomEvent): number =>
  a.depth - b.depth || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/**
 * A binary min-heap by (depth, event ID). Re-sorting a list on every push made ordering a
 * send_join answer quadratic: 10,000 member events all become ready at once.
 */
class ReadyHeap {
  private readonly items: RoomEvent[] = [];

  get size(): number {
    return this.items.length;
  }

  push(event: RoomEvent): void {
    const items = this.items;
    items.push(event);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compareEvents(items[parent] as RoomEvent, event) <= 0) break;
      items[i] = items[parent] as RoomEvent;
      i = parent;
    }
    items[i] = event;
  }

  pop(): RoomEvent {
    const items = this.items;
    const top = items[0] as RoomEvent;
    const last = items.pop() as RoomEvent;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child =
          right < items.length &&
          compareEvents(items[right] as RoomEvent, items[left] as RoomEvent) < 0
            ? right
            : left;
        if (compareEvents(items[child] as RoomEvent, last) >= 0) break;
        items[i] = items[child] as RoomEvent;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}

/** Kahn's algorithm over auth edges inside the batch; ties broken by depth then ID. */
function authOrder(events: readonly RoomEvent[]): { ordered: RoomEvent[]; cyclic: RoomEvent[] } {
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const event of byId.values()) {
    let count = 0;
    for (const authId of new Set(event.authEventIds)) {
      if (!byId.has(authId)) continue;
      count++;
      const list = dependents.get(authId);
      if (list) list.push(event.eventId);
      else dependents.set(authId, [event.eventId]);
    }
    waitingOn.set(event.eventId, count);
  }
  const ready = new ReadyHeap();
  for (const event of byId.values()) if (waitingOn.get(event.eventId) === 0) ready.push(event);
  const ordered: RoomEvent[] = [];
  while (ready.size > 0) {
    const next = ready.pop();
    ordered.push(next);
    for (const dependentId of dependents.get(next.eventId) ?? []) {
      const left = (waitingOn.get(dependentId) ?? 0) - 1;
      waitingOn.set(dependentId, left);
      if (left === 0) ready.push(byId.get(dependentId) as RoomEvent);
    }
  }
  const placed = new Set(ordered.map((e) => e.eventId));
  return { ordered, cyclic: [...byId.values()].filter((e) => !placed.has(e.eventId)) };
}

export function prepareOutlierBatch(
  events: readonly RoomEvent[],
  store: AuthCheckDeps,
  version: RoomVersion,
): OutlierBatch {
  const accepted = new Map<string, RoomEvent>();
  const rejected = new Map<string, RoomEvent>();
  // Nothing is stored while the batch is prepared, so each stored verdict is read once: the
  // create, power-levels and join-rules events are auth events of all 10,000 joins.
  const storedRejected = new Map<string, boolean>();
  const isStoredRejected = (id: string): boolean => {
    let verdict = storedRejected.get(id);
    if (verdict === undefined) {
      verdict = store.isRejected(id);
      storedRejected.set(id, verdict);
    }
    return verdict;
  };
  const deps: AuthCheckDeps = {
    getEvent: (id) => accepted.get(id) ?? rejected.get(id) ?? store.getEvent(id),
    isRejected: (id) => rejected.has(id) || (!accepted.has(id) && isStoredRejected(id)),
  };
  const { ordered, cyclic } = authOrder(
    events.filter((e) => store.getEvent(e.eventId) === undefined),
  );
  const result: OutlierBatch = {
    outliers: [],
    dropped: cyclic.map((e) => ({ eventId: e.eventId, reason: 'auth events form a cycle' })),
  };
  for (const event of ordered) {
    const missing = missingAuthEvents(event, deps, version);
    if (missing.length > 0) {
      result.dropped.push({
        eventId: event.eventId,
        reason: `auth events not available: ${missing.join(', ')}`,
      });
      continue;
    }
    const verdict: AuthVerdict = checkAgainstAuthEvents(event, deps, version);
    const rejection: Rejection | undefined = verdict.allowed
      ? undefined
      : { rule: verdict.rule, reason: verdict.reason };
    if (rejection) rejected.set(event.eventId, event);
    else accepted.set(event.eventId, event);
    result.outliers.push({ event, rejection });
  }
  return result;
}
