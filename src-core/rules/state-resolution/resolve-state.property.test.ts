import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StateKey, StateMap } from '../events/state-map';
import { getRoomVersion } from '../room-versions';
import { resolveState } from './resolve-state';
import { TestRoom } from './test-room-builder';
import { stateObject } from './test-room-events';

const ALICE = '@alice:example.com';
const USERS = ['@bob:example.com', '@carol:example.com', '@dan:example.com', '@eve:example.com'];

type Action =
  | { kind: 'topic'; user: number }
  | { kind: 'join'; user: number }
  | { kind: 'leave'; user: number }
  | { kind: 'kick'; user: number }
  | { kind: 'promote'; user: number; level: number }
  | { kind: 'joinRule'; rule: 'public' | 'invite' };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('topic' as const), user: fc.integer({ min: -1, max: 3 }) }),
  fc.record({ kind: fc.constant('join' as const), user: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('leave' as const), user: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('kick' as const), user: fc.integer({ min: 0, max: 3 }) }),
  fc.record({
    kind: fc.constant('promote' as const),
    user: fc.integer({ min: 0, max: 3 }),
    level: fc.constantFrom(0, 50, 100),
  }),
  fc.record({
    kind: fc.constant('joinRule' as const),
    rule: fc.constantFrom('public' as const, 'invite' as const),
  }),
);

/** A room with everyone joined, then one linear fork per action list (some events may be invalid). */
function buildForks(versionId: string, forks: Action[][]): { room: TestRoom; states: StateMap[] } {
  const room = new TestRoom(getRoomVersion(versionId), ALICE);
  const base = room.bootstrap();
  USERS.forEach((u, i) =>
    room.send(base, `join-${i}`, 'm.room.member', u, u, { membership: 'join' }),
  );
  const states = forks.map((actions, f) => {
    const state = new Map(base);
    const levels: Record<string, number> = {};
    actions.forEach((a, i) => {
      const id = `f${f}-${i}`;
      const user = a.kind === 'joinRule' ? ALICE : a.user < 0 ? ALICE : (USERS[a.user] as string);
      switch (a.kind) {
        case 'topic':
          room.send(state, id, 'm.room.topic', '', user, { topic: id });
          break;
        case 'join':
        case 'leave':
          room.send(state, id, 'm.room.member', user, user, { membership: a.kind });
          break;
        case 'kick':
          room.send(state, id, 'm.room.member', user, ALICE, { membership: 'leave' });
          break;
        case 'promote': {
          levels[user] = a.level;
          const users = room.version.privilegedCreators
            ? { ...levels }
            : { [ALICE]: 100, ...levels };
          room.send(state, id, 'm.room.power_levels', '', ALICE, { users });
          break;
        }
        case 'joinRule':
          room.send(state, id, 'm.room.join_rules', '', ALICE, { join_rule: a.rule });
          break;
      }
    });
    return state;
  });
  return { room, states };
}

function shuffledCopy(state: StateMap, seed: number): Map<StateKey, string> {
  const entries = [...state];
  // Deterministic Fisher–Yates driven by the fast-check seed.
  let x = seed >>> 0 || 1;
  for (let i = entries.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const j = x % (i + 1);
    [entries[i], entries[j]] = [entries[j] as [StateKey, string], entries[i] as [StateKey, string]];
  }
  return new Map(entries);
}

describe.each(['1', '10', '12'])('resolveState properties (room v%s)', (versionId) => {
  const version = getRoomVersion(versionId);
  const forks = fc.array(fc.array(action, { maxLength: 6 }), { minLength: 2, maxLength: 4 });

  it('does not depend on the order of the state sets or of map insertion', () => {
    fc.assert(
      fc.property(forks, fc.integer(), (actionLists, seed) => {
        const { room, states } = buildForks(versionId, actionLists);
        const expected = stateObject(resolveState(version, states, room.get));
        const reversed = [...states].reverse().map((s, i) => shuffledCopy(s, seed + i));
        expect(stateObject(resolveState(version, reversed, room.get))).toEqual(expected);
        const rotated = [...states.slice(1), states[0] as StateMap];
        expect(stateObject(resolveState(version, rotated, room.get))).toEqual(expected);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it('returns a single state set unchanged, and identical sets unchanged', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 8 }), (actions) => {
        const { room, states } = buildForks(versionId, [actions]);
        const only = states[0] as StateMap;
        expect(stateObject(resolveState(version, [only], room.get))).toEqual(stateObject(only));
        expect(
          stateObject(resolveState(version, [only, shuffledCopy(only, 7), only], room.get)),
        ).toEqual(stateObject(only));
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it('keeps every unconflicted entry', () => {
    fc.assert(
      fc.property(forks, (actionLists) => {
        const { room, states } = buildForks(versionId, actionLists);
        const resolved = resolveState(version, states, room.get);
        const first = states[0] as StateMap;
        for (const [key, id] of first) {
          if (states.every((s) => s.get(key) === id)) expect(resolved.get(key)).toBe(id);
        }
        // v1 only picks among the inputs; v2 may also restore events of the auth difference.
        if (version.stateResolution === 'v1') {
          for (const [key, id] of resolved) {
            expect(states.some((s) => s.get(key) === id)).toBe(true);
          }
        }
      }),
      { seed: 42, numRuns: 40 },
    );
  });
});
