/**
 * Resolution at room scale: two forks of a 20,000-member room with 200 conflicted events must
 * keep both forks' legitimate changes. How fast it is (target < 100 ms) is measured by
 * `npm run bench -- rules`, not asserted here, so a busy machine cannot make this flaky.
 */
import { describe, expect, it } from 'vitest';
import type { StateKey } from '../events/state-map';
import { stateKey } from '../events/state-map';
import { getRoomVersion } from '../room-versions';
import { MissingEventError } from './missing-event-error';
import { resolveState } from './resolve-state';
import { TestRoom } from './test-room-builder';

const ALICE = '@alice:example.com';
const user = (i: number) => `@u${i}:example.com`;

function bigForks(versionId: string) {
  const version = getRoomVersion(versionId);
  const room = new TestRoom(version, ALICE);
  const base = room.bootstrap();
  for (let i = 0; i < 20_000; i++) {
    room.send(base, `join-${i}`, 'm.room.member', user(i), user(i), { membership: 'join' });
  }
  const a = new Map<StateKey, string>(base);
  const b = new Map<StateKey, string>(base);
  const users = version.privilegedCreators ? { [user(1)]: 50 } : { [ALICE]: 100, [user(1)]: 50 };
  room.send(a, 'a-pl', 'm.room.power_levels', '', ALICE, { users });
  for (let i = 0; i < 99; i++) {
    room.send(a, `a-${i}`, 'm.room.member', user(i), user(i), {
      membership: 'join',
      displayname: `a${i}`,
    });
  }
  room.send(b, 'b-topic', 'm.room.topic', '', ALICE, { topic: 'b' });
  for (let i = 50; i < 149; i++) {
    room.send(b, `b-${i}`, 'm.room.member', user(i), user(i), { membership: 'leave' });
  }
  return { version, room, a, b };
}

describe.each(['10', '12'])('resolving two forks of a 20,000-member room (v%s)', (versionId) => {
  const { version, room, a, b } = bigForks(versionId);

  it('keeps both forks’ legitimate changes', () => {
    const resolved = new Map(resolveState(version, [a, b], room.get));
    expect(resolved.size).toBe(a.size + 1);
    expect(resolved.get(stateKey('m.room.power_levels', ''))).toBe('$a-pl');
    expect(resolved.get(stateKey('m.room.topic', ''))).toBe('$b-topic');
    expect(resolved.get(stateKey('m.room.member', user(10)))).toBe('$a-10');
    expect(resolved.get(stateKey('m.room.member', user(120)))).toBe('$b-120');
  });

  it('reports an event missing from an auth chain by id', () => {
    const withHole = (id: string) => (id === '$jr0' ? undefined : room.get(id));
    expect(() => resolveState(version, [a, b], withHole)).toThrow(MissingEventError);
    expect(() => resolveState(version, [a, b], withHole)).toThrow(/\$jr0/);
  });
});
