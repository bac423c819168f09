import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StateKey } from '../events/state-map';
import { stateKey } from '../events/state-map';
import { getRoomVersion } from '../room-versions';
import { MissingEventError } from './missing-event-error';
import { resolveState } from './resolve-state';
import { splitConflictedStateV1 } from './state-res-v1';
import { TestRoom } from './test-room-builder';
import { roomEvent } from './test-room-events';

const V1 = getRoomVersion('1');
const ALICE = '@alice:example.com';
const BOB = '@bob:example.com';
const DAVE = '@dave:example.com';
const PL = stateKey('m.room.power_levels', '');
const TOPIC = stateKey('m.room.topic', '');

/** Alice (100) created the room; bob (50) and dave (0) joined. Fork with `fork()`. */
function setup() {
  const room = new TestRoom(V1, ALICE);
  const base = room.bootstrap();
  room.send(base, 'pl1', 'm.room.power_levels', '', ALICE, { users: { [ALICE]: 100, [BOB]: 50 } });
  room.send(base, 'bob-join', 'm.room.member', BOB, BOB, { membership: 'join' });
  room.send(base, 'dave-join', 'm.room.member', DAVE, DAVE, { membership: 'join' });
  const fork = (): Map<StateKey, string> => new Map(base);
  return { room, base, fork };
}

describe('state resolution v1 (spec rooms/v1)', () => {
  it('treats a key held by only some sets as unconflicted (unlike v2)', () => {
    const { room, fork } = setup();
    const a = fork();
    const b = fork();
    room.send(a, 'topic', 'm.room.topic', '', ALICE, { topic: 'only in a' });
    expect(splitConflictedStateV1([a, b]).conflicted.size).toBe(0);
    expect(resolveState(V1, [a, b], room.get).get(TOPIC)).toBe('$topic');
  });

  it('keeps a later power levels event only if it is allowed on top of the earlier one', () => {
    const { room, fork } = setup();
    const a = fork();
    const b = fork();
    room.send(a, 'pl-alice', 'm.room.power_levels', '', ALICE, {
      users: { [ALICE]: 100, [BOB]: 50, [DAVE]: 10 },
    });
    // Later (higher depth), but dave (0) may not change power levels.
    room.send(b, 'pl-dave', 'm.room.power_levels', '', DAVE, {
      users: { [ALICE]: 100, [BOB]: 50, [DAVE]: 100 },
    });
    expect(resolveState(V1, [a, b], room.get).get(PL)).toBe('$pl-alice');
    expect(resolveState(V1, [b, a], room.get).get(PL)).toBe('$pl-alice');

    const c = fork();
    room.send(c, 'pl-alice-later', 'm.room.power_levels', '', ALICE, {
      users: { [ALICE]: 100, [BOB]: 0 },
    });
    expect(resolveState(V1, [a, c], room.get).get(PL)).toBe('$pl-alice-later');
  });

  it('accepts the lowest-depth power levels event unchecked (the v1 reset bug)', () => {
    const { room, fork } = setup();
    const a = fork();
    const b = fork();
    // Dave's self-promotion is not authorised, but as the earliest event it is taken as-is, and
    // then authorises his own next change.
    room.send(a, 'pl-dave-1', 'm.room.power_levels', '', DAVE, {
      users: { [ALICE]: 100, [DAVE]: 100 },
    });
    room.send(b, 'pl-dave-2', 'm.room.power_levels', '', DAVE, {
      users: { [ALICE]: 100, [BOB]: 0, [DAVE]: 100 },
    });
    expect(resolveState(V1, [a, b], room.get).get(PL)).toBe('$pl-dave-2');
  });

  it('resolves memberships after power levels and join rules: a ban beats a later rejoin', () => {
    const { room, fork } = setup();
    const a = fork();
    const b = fork();
    room.send(a, 'ban-dave', 'm.room.member', DAVE, ALICE, { membership: 'ban' });
    room.send(b, 'dave-rename', 'm.room.member', DAVE, DAVE, {
      membership: 'join',
      displayname: 'D',
    });
    const resolved = resolveState(V1, [a, b], room.get);
    expect(resolved.get(stateKey('m.room.member', DAVE))).toBe('$ban-dave');
  });

  it('picks the highest-depth other event that passes auth', () => {
    const { room, fork } = setup();
    const a = fork();
    const b = fork();
    const c = fork();
    room.send(a, 'topic-alice', 'm.room.topic', '', ALICE, { topic: 'a' });
    room.send(b, 'topic-bob', 'm.room.topic', '', BOB, { topic: 'b' });
    // Later still, but dave (0) is below state_default (50).
    room.send(c, 'topic-dave', 'm.room.topic', '', DAVE, { topic: 'd' });
    expect(resolveState(V1, [a, b, c], room.get).get(TOPIC)).toBe('$topic-bob');
    expect(resolveState(V1, [a, c], room.get).get(TOPIC)).toBe('$topic-alice');
  });

  it('breaks depth ties by the lowest sha1 of the event ID', () => {
    const { room, base } = setup();
    const auth = ['$create', '$pl1', '$creator-join'];
    const ids = ['$tie-x', '$tie-y'];
    for (const id of ids) {
      room.events.set(
        id,
        roomEvent({
          id,
          type: 'm.room.topic',
          stateKey: '',
          sender: ALICE,
          auth,
          depth: 50,
          roomId: room.roomId,
        }),
      );
    }
    const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
    const winner = [...ids].sort((x, y) => (sha1(x) < sha1(y) ? -1 : 1))[0];
    const sets = ids.map((id) => new Map(base).set(TOPIC, id));
    expect(resolveState(V1, sets, room.get).get(TOPIC)).toBe(winner);
    expect(resolveState(V1, [...sets].reverse(), room.get).get(TOPIC)).toBe(winner);
  });

  it('names a missing conflicted event', () => {
    const { room, fork } = setup();
    const a = fork();
    const b = fork();
    room.send(a, 'topic-alice', 'm.room.topic', '', ALICE, { topic: 'a' });
    b.set(TOPIC, '$nowhere');
    expect(() => resolveState(V1, [a, b], room.get)).toThrow(MissingEventError);
    expect(() => resolveState(V1, [a, b], room.get)).toThrow(/\$nowhere/);
  });
});
