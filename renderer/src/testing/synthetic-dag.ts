/**
 * Deterministic synthetic room DAGs for tests and the layout benchmark: a main line with forks
 * that merge back a few events later, the shape federation produces when servers send at once.
 */
import type { EventSummary } from '../../../src-core/admin-api/admin-api-types';

/** A small fixed-seed PRNG (mulberry32), so every run builds the same DAG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticEvent(
  index: number,
  prevEventIds: string[],
  depth: number,
  overrides: Partial<EventSummary> = {},
): EventSummary {
  return {
    eventId: `$e${index}`,
    roomId: '!synthetic:example.org',
    type: index === 0 ? 'm.room.create' : index % 7 === 0 ? 'm.room.member' : 'm.room.message',
    stateKey: index === 0 ? '' : index % 7 === 0 ? `@u${index}:example.org` : null,
    sender: `@u${index % 13}:example.org`,
    depth,
    streamOrdering: index + 1,
    originServerTs: 1_700_000_000_000 + index * 1000,
    prevEventIds,
    authEventIds: index === 0 ? [] : ['$e0'],
    outlier: false,
    softFailed: false,
    rejected: null,
    partialState: false,
    isPartialJoinEvent: false,
    resetKinds: [],
    ...overrides,
  };
}

/** `count` events in topological order; about one in ten forks, branches merge within 1–8 events. */
export function syntheticDag(count: number, seed = 42): EventSummary[] {
  const random = seededRandom(seed);
  const events: EventSummary[] = [];
  const depthOf = new Map<string, number>();
  let extremities: string[] = [];
  for (let i = 0; i < count; i++) {
    let prevs: string[];
    if (i === 0) prevs = [];
    else if (random() < 0.1 && i > 1) {
      // Fork: a sibling of the newest event (same prevs), so both become extremities.
      prevs = [...(events[i - 1] as EventSummary).prevEventIds];
    } else {
      prevs = extremities.slice(0, 1 + Math.floor(random() * Math.min(3, extremities.length)));
      if (random() < 0.3) prevs = extremities.slice(0, 1);
    }
    const depth = prevs.reduce((max, p) => Math.max(max, (depthOf.get(p) ?? 0) + 1), 1);
    const event = syntheticEvent(i, prevs, depth);
    events.push(event);
    depthOf.set(event.eventId, depth);
    extremities = [event.eventId, ...extremities.filter((e) => !prevs.includes(e))].slice(0, 8);
  }
  return events;
}
