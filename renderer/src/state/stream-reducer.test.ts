import { describe, expect, it } from 'vitest';
import type {
  AdminStreamMessage,
  ResyncProgress,
  RoomSummary,
  StateReset,
} from '../../../src-core/admin-api/admin-api-types';
import { RoomGraph } from '../dag/room-graph';
import { syntheticDag, syntheticEvent } from '../testing/synthetic-dag';
import type { StreamState } from './stream-reducer';
import { MAX_LOG_LINES, isNewerProgress, reduceStreamMessages } from './stream-reducer';

const ROOM = '!synthetic:example.org';

function progress(overrides: Partial<ResyncProgress> = {}): ResyncProgress {
  return {
    roomId: ROOM,
    revision: 1,
    phase: 'paused',
    eventsTotal: 10,
    eventsDone: 0,
    requests: 0,
    bytes: 0,
    currentDestination: null,
    cursorEventId: null,
    lastError: null,
    retryAtTs: null,
    failedRounds: 0,
    throttleEventsPerSecond: null,
    stepsRemaining: 0,
    etaMs: null,
    startedTs: 1,
    finishedTs: null,
    resets: 0,
    ...overrides,
  };
}

function room(overrides: Partial<RoomSummary> = {}): RoomSummary {
  return {
    roomId: ROOM,
    roomVersion: '10',
    name: null,
    canonicalAlias: null,
    joinedMembers: 3,
    partial: true,
    joinEventId: '$e5',
    joinedVia: 'resident.example',
    serversInRoom: [],
    resync: null,
    ...overrides,
  };
}

function reset(resetId: number, createdTs: number): StateReset {
  return {
    resetId,
    roomId: ROOM,
    eventId: `$e${resetId}`,
    kind: 'state_changed',
    changes: [],
    omittedKeysAdded: 0,
    oldVerdict: null,
    newVerdict: null,
    rule: null,
    reason: null,
    createdTs,
  };
}

function initial(graph?: RoomGraph): StreamState {
  return {
    rooms: {},
    resync: {},
    graphs: graph ? { [ROOM]: graph } : {},
    graphVersion: 0,
    structureVersion: 0,
    resets: {},
    logs: [],
  };
}

describe('stream reducer', () => {
  it('stores rooms and resync progress, the latest message winning', () => {
    const next = reduceStreamMessages(initial(), [
      { kind: 'room', room: room({ resync: progress({ eventsDone: 1 }) }) },
      { kind: 'resync', progress: progress({ eventsDone: 4, phase: 'running' }) },
    ]);
    expect(next.rooms?.[ROOM]?.joinedMembers).toBe(3);
    expect(next.resync?.[ROOM]).toMatchObject({ eventsDone: 4, phase: 'running' });
    expect(next.graphVersion).toBeUndefined();
  });

  it('never lets an older progress snapshot replace a newer one (answers and stream race)', () => {
    const shown = reduceStreamMessages(initial(), [
      { kind: 'resync', progress: progress({ revision: 7, eventsDone: 5 }) },
    ]);
    const state = { ...initial(), resync: shown.resync ?? {} };
    const stale = reduceStreamMessages(state, [
      { kind: 'resync', progress: progress({ revision: 6, eventsDone: 4, stepsRemaining: 1 }) },
      { kind: 'room', room: room({ resync: progress({ revision: 5, eventsDone: 4 }) }) },
    ]);
    expect((stale.resync ?? state.resync)[ROOM]).toMatchObject({ revision: 7, eventsDone: 5 });
    expect(isNewerProgress(progress({ revision: 7 }), progress({ revision: 8 }))).toBe(true);
    expect(isNewerProgress(undefined, progress({ revision: 1 }))).toBe(true);
  });

  it('appends new events to the open graph and only repaints for flag updates', () => {
    const events = syntheticDag(50);
    const graph = new RoomGraph(ROOM, events.slice(0, 40));
    const laneBefore = graph.layout.laneArray();
    const state = initial(graph);
    const appended = reduceStreamMessages(
      state,
      events.slice(40).map((event) => ({ kind: 'event', event }) as AdminStreamMessage),
    );
    expect(appended.graphVersion).toBe(1);
    expect(appended.structureVersion).toBe(1);
    expect(graph.layout.size).toBe(50);
    expect(graph.layout.laneArray().slice(0, 40)).toEqual(laneBefore);
    expect(graph.layout.laneArray()).toEqual(new RoomGraph(ROOM, events).layout.laneArray());

    const flagged = {
      ...(events[5] as (typeof events)[number]),
      partialState: false,
      resetKinds: ['verdict_flip' as const],
    };
    const updated = reduceStreamMessages(state, [{ kind: 'event', event: flagged }]);
    expect(updated.graphVersion).toBe(1);
    expect(updated.structureVersion).toBeUndefined();
    expect(graph.get('$e5')?.resetKinds).toEqual(['verdict_flip']);
    expect(graph.layout.size).toBe(50);

    expect(reduceStreamMessages(state, [{ kind: 'event', event: flagged }])).toEqual({});
  });

  it('keeps events for a room that is still loading, and drops those of unopened rooms', () => {
    const pending = new Map([[ROOM, []]]);
    reduceStreamMessages(initial(), [{ kind: 'event', event: syntheticEvent(1, [], 1) }], pending);
    expect(pending.get(ROOM)).toHaveLength(1);
    const other = reduceStreamMessages(initial(), [
      { kind: 'event', event: syntheticEvent(2, [], 1, { roomId: '!other:x' }) },
    ]);
    expect(other).toEqual({});
  });

  it('adds state resets newest first, once, only for rooms whose resets are loaded', () => {
    const state = { ...initial(), resets: { [ROOM]: [reset(1, 100)] } };
    const next = reduceStreamMessages(state, [
      { kind: 'state_reset', reset: reset(2, 200) },
      { kind: 'state_reset', reset: reset(2, 200) },
      { kind: 'state_reset', reset: { ...reset(3, 50), roomId: '!unloaded:x' } },
    ]);
    expect(next.resets?.[ROOM]?.map((r) => r.resetId)).toEqual([2, 1]);
    expect(next.resets?.['!unloaded:x']).toBeUndefined();
  });

  it('keeps the last MAX_LOG_LINES log lines', () => {
    const lines = Array.from(
      { length: MAX_LOG_LINES + 10 },
      (_, i) =>
        ({
          kind: 'log',
          line: { ts: i, level: 'warn', message: `line ${i}`, fields: {} },
        }) as AdminStreamMessage,
    );
    const next = reduceStreamMessages(initial(), lines);
    expect(next.logs).toHaveLength(MAX_LOG_LINES);
    expect(next.logs?.[0]?.message).toBe('line 10');
  });
});
