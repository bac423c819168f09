/**
 * Runs every scenario in ./fixtures: our JSON re-expression of the published state resolution
 * tests of Synapse (tests/state/test_v2.py, test_v21.py) and Ruma (ruma-state-res
 * tests/it/resolve). Two shapes:
 *   - `stateSets` + `expectedState`: resolve the given state sets (or every event alone, for
 *     Ruma's "atomic" batches) and compare the whole resolved state;
 *   - `dag`: Synapse's harness — walk the prev_events DAG in lexicographic topological order,
 *     cite auth events from the state before each event, resolve at every merge, and compare the
 *     state at END on the keys that changed since START (plus the expected keys).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectAuthEventKeys } from '../auth/auth-event-selection';
import type { JsonObject } from '../json';
import type { RoomEvent } from '../events/room-event';
import type { StateKey, StateMap } from '../events/state-map';
import { stateKey } from '../events/state-map';
import { getRoomVersion } from '../room-versions';
import { compareEventIds } from './event-id-order';
import { resolveState } from './resolve-state';
import { roomEvent, stateObject } from './test-room-events';

interface FixtureEvent {
  id: string;
  type: string;
  stateKey?: string;
  sender: string;
  content: JsonObject;
  ts?: number;
  prev?: string[];
  auth?: string[];
  roomId?: string | null;
  rejected?: boolean;
}

interface Fixture {
  description: string;
  source: string;
  roomVersion: string;
  events?: FixtureEvent[];
  stateSets?: string[][] | 'one-per-event';
  expectedState?: string[];
  dag?: {
    roomId: string;
    eventIdSuffix: string;
    events: FixtureEvent[];
    edges: string[][];
    expectedChangedState: string[];
  };
}

const FIXTURES = join(import.meta.dirname, 'fixtures');

function load(): [string, Fixture][] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as Fixture]);
}

function keyOf(event: RoomEvent): StateKey {
  return stateKey(event.type, event.stateKey ?? '');
}

function toRoomEvent(e: FixtureEvent): RoomEvent {
  return roomEvent({
    id: e.id,
    type: e.type,
    stateKey: e.stateKey,
    sender: e.sender,
    content: e.content,
    ts: e.ts,
    prev: e.prev,
    auth: e.auth,
    roomId: e.roomId,
  });
}

function runStateSets(fixture: Fixture): void {
  const version = getRoomVersion(fixture.roomVersion);
  const events = new Map((fixture.events ?? []).map((e) => [e.id, toRoomEvent(e)]));
  const rejected = new Set((fixture.events ?? []).filter((e) => e.rejected).map((e) => e.id));
  const get = (id: string) => events.get(id);
  const mapOf = (ids: readonly string[]): Map<StateKey, string> =>
    new Map(ids.map((id) => [keyOf(events.get(id) as RoomEvent), id]));
  const stateSets =
    fixture.stateSets === 'one-per-event'
      ? [...events.keys()].map((id) => mapOf([id]))
      : (fixture.stateSets ?? []).map(mapOf);
  const resolved = resolveState(version, stateSets, get, { isRejected: (id) => rejected.has(id) });
  expect(stateObject(resolved)).toEqual(stateObject(mapOf(fixture.expectedState ?? [])));
}

function runDag(fixture: Fixture): void {
  const dag = fixture.dag;
  if (!dag) throw new Error('not a dag fixture');
  const version = getRoomVersion(fixture.roomVersion);
  const fullId = (node: string) => `$${node}${dag.eventIdSuffix}`;
  const specs = new Map(dag.events.map((e) => [e.id, e]));
  const prevs = new Map<string, Set<string>>([...specs.keys()].map((n) => [n, new Set()]));
  for (const chain of dag.edges) {
    for (let i = 0; i + 1 < chain.length; i++) {
      prevs.get(chain[i] as string)?.add(chain[i + 1] as string);
    }
  }
  // Lexicographic topological order by node id, events before the events that follow them.
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < prevs.size) {
    const ready = [...prevs]
      .filter(([n, ps]) => !placed.has(n) && [...ps].every((p) => placed.has(p)))
      .map(([n]) => n)
      .sort(compareEventIds);
    const next = ready[0];
    if (next === undefined) throw new Error('cycle in fixture DAG');
    order.push(next);
    placed.add(next);
  }

  const events = new Map<string, RoomEvent>();
  const get = (id: string) => events.get(id);
  const stateAfter = new Map<string, StateMap>();
  order.forEach((node, ts) => {
    const spec = specs.get(node) as FixtureEvent;
    const prevNodes = [...(prevs.get(node) as Set<string>)];
    const prevStates = prevNodes.map((p) => stateAfter.get(p) as StateMap);
    const before: StateMap =
      prevStates.length === 0
        ? new Map()
        : prevStates.length === 1
          ? (prevStates[0] as StateMap)
          : resolveState(version, prevStates, get);
    const auth: string[] = [];
    for (const k of selectAuthEventKeys(
      spec.type,
      spec.stateKey,
      spec.sender,
      spec.content,
      version,
    )) {
      const id = before.get(stateKey(k.type, k.stateKey));
      if (id !== undefined) auth.push(id);
    }
    const event = roomEvent({
      id: fullId(node),
      type: spec.type,
      stateKey: spec.stateKey,
      sender: spec.sender,
      content: spec.content,
      ts,
      prev: prevNodes.map(fullId),
      auth,
      roomId: dag.roomId,
    });
    events.set(event.eventId, event);
    const after = new Map(before);
    if (spec.stateKey !== undefined) after.set(keyOf(event), event.eventId);
    stateAfter.set(node, after);
  });

  const expected = new Map<StateKey, string>();
  for (const node of dag.expectedChangedState) {
    const event = events.get(fullId(node)) as RoomEvent;
    expected.set(keyOf(event), event.eventId);
  }
  const start = stateAfter.get('START') as StateMap;
  const end = stateAfter.get('END') as StateMap;
  const changed = new Map<StateKey, string>();
  for (const [key, id] of end) {
    if (expected.has(key) || start.get(key) !== id) changed.set(key, id);
  }
  expect(stateObject(changed)).toEqual(stateObject(expected));
}

describe('state resolution fixtures', () => {
  for (const [file, fixture] of load()) {
    it(`${file}: ${fixture.description}`, () => {
      if (fixture.dag) runDag(fixture);
      else runStateSets(fixture);
    });
  }
});
