/**
 * The two v2.1 tweaks (MSC4297), each shown to matter on its own: the v12 scenarios resolve
 * to the published answer only with both tweaks on, and differently with either one off.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../json';
import type { RoomEvent } from '../events/room-event';
import type { StateKey } from '../events/state-map';
import { stateKey } from '../events/state-map';
import { getRoomVersion } from '../room-versions';
import { findRoomCreateEvent } from './room-create-event';
import { SPEC_AUTH_RULES } from './resolve-state';
import type { StateResV2Tweaks } from './state-res-v2';
import { resolveStateV2, stateResV2Tweaks } from './state-res-v2';
import { roomEvent, stateObject } from './test-room-events';

const V12 = getRoomVersion('12');

interface Scenario {
  events: (JsonObject & { id: string; type: string; stateKey: string; sender: string })[];
  stateSets: string[][];
  expectedState: string[];
}

function load(file: string) {
  const fx = JSON.parse(
    readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8'),
  ) as Scenario;
  const events = new Map<string, RoomEvent>();
  for (const e of fx.events) {
    events.set(
      e.id,
      roomEvent({
        id: e.id,
        type: e.type,
        stateKey: e.stateKey,
        sender: e.sender,
        content: e['content'] as JsonObject,
        ts: e['ts'] as number,
        auth: e['auth'] as string[],
        roomId: e['roomId'] as string | null,
      }),
    );
  }
  const mapOf = (ids: string[]): Map<StateKey, string> =>
    new Map(
      ids.map((id) => {
        const e = events.get(id) as RoomEvent;
        return [stateKey(e.type, e.stateKey ?? ''), id];
      }),
    );
  const get = (id: string) => events.get(id);
  const sets = fx.stateSets.map(mapOf);
  const resolve = (tweaks: StateResV2Tweaks) =>
    stateObject(
      resolveStateV2(
        sets,
        {
          version: V12,
          getEvent: get,
          rules: SPEC_AUTH_RULES,
          isRejected: () => false,
          createEvent: findRoomCreateEvent(V12, sets, get),
        },
        tweaks,
      ),
    );
  return { resolve, expected: stateObject(mapOf(fx.expectedState)) };
}

describe('state resolution v2.1 tweaks', () => {
  it('room v12 turns both tweaks on, earlier versions neither', () => {
    expect(stateResV2Tweaks(V12)).toEqual({
      startFromEmptyState: true,
      includeConflictedSubgraph: true,
    });
    expect(stateResV2Tweaks(getRoomVersion('11'))).toEqual({
      startFromEmptyState: false,
      includeConflictedSubgraph: false,
    });
  });

  it('Problem A needs the empty starting state', () => {
    const { resolve, expected } = load('ruma-msc4297-problem-a-v2.1.json');
    expect(resolve({ startFromEmptyState: true, includeConflictedSubgraph: true })).toEqual(
      expected,
    );
    expect(resolve({ startFromEmptyState: false, includeConflictedSubgraph: true })).not.toEqual(
      expected,
    );
  });

  it('Problem B needs the conflicted state subgraph', () => {
    const { resolve, expected } = load('ruma-msc4297-problem-b-v2.1.json');
    expect(resolve({ startFromEmptyState: true, includeConflictedSubgraph: true })).toEqual(
      expected,
    );
    expect(resolve({ startFromEmptyState: true, includeConflictedSubgraph: false })).not.toEqual(
      expected,
    );
  });

  it("Synapse's replay-the-subgraph scenario needs the subgraph too", () => {
    const { resolve, expected } = load('synapse-v21-state-reset-replay-conflicted-subgraph.json');
    expect(resolve({ startFromEmptyState: true, includeConflictedSubgraph: true })).toEqual(
      expected,
    );
    expect(resolve({ startFromEmptyState: true, includeConflictedSubgraph: false })).not.toEqual(
      expected,
    );
  });
});
