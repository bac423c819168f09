import { describe, expect, it } from 'vitest';
import type { RoomEvent } from '../events/room-event';
import { getRoomVersion } from '../room-versions';
import { stateKey } from '../events/state-map';
import { conflictedEventIds, splitConflictedState } from './conflicted-state';
import { conflictedStateSubgraph } from './conflicted-subgraph';
import { compareEventIds } from './event-id-order';
import { mainlineSort } from './mainline-ordering';
import { MinHeap } from './min-heap';
import { isPowerEvent } from './power-events';
import {
  lexicographicalTopologicalSort,
  sortPowerEvents,
} from './reverse-topological-power-ordering';
import type { StateResContext } from './state-res-context';
import { eventStore, roomEvent } from './test-room-events';

const ALICE = '@alice:x';
const BOB = '@bob:x';

function context(events: RoomEvent[], levels: Record<string, number> = {}): StateResContext {
  const store = eventStore(events);
  return {
    version: getRoomVersion('10'),
    getEvent: (id) => store.get(id),
    isRejected: () => false,
    createEvent: undefined,
    rules: {
      authorizeEvent: () => ({ allowed: true }),
      userPowerLevel: (userId) => levels[userId] ?? 0,
    },
  };
}

describe('lexicographicalTopologicalSort', () => {
  it('matches Synapse LexicographicalTestCase.test_simple', () => {
    const graph = new Map<string, Set<string>>([
      ['l', new Set(['o'])],
      ['m', new Set(['n', 'o'])],
      ['n', new Set(['o'])],
      ['o', new Set()],
      ['p', new Set(['o'])],
    ]);
    expect(lexicographicalTopologicalSort(graph, (id) => id, compareEventIds)).toEqual([
      'o',
      'l',
      'n',
      'm',
      'p',
    ]);
  });
});

describe('sortPowerEvents', () => {
  it('puts auth events first, then higher sender power, then earlier ts, then smaller id', () => {
    const events = [
      roomEvent({ id: '$pl', type: 'm.room.power_levels', stateKey: '', sender: ALICE, ts: 5 }),
      roomEvent({
        id: '$jr',
        type: 'm.room.join_rules',
        stateKey: '',
        sender: BOB,
        ts: 1,
        auth: ['$pl'],
      }),
      roomEvent({
        id: '$kick',
        type: 'm.room.member',
        stateKey: BOB,
        sender: ALICE,
        ts: 9,
        content: { membership: 'leave' },
        auth: ['$pl'],
      }),
      roomEvent({
        id: '$b',
        type: 'm.room.join_rules',
        stateKey: '',
        sender: BOB,
        ts: 1,
        auth: ['$pl'],
      }),
    ];
    const ctx = context(events, { [ALICE]: 100, [BOB]: 50 });
    const full = new Set(events.map((e) => e.eventId));
    // $kick's sender outranks the others; $b and $jr tie on power and ts, so id decides.
    expect(sortPowerEvents(['$jr', '$kick', '$b'], full, ctx)).toEqual([
      '$pl',
      '$kick',
      '$b',
      '$jr',
    ]);
  });
});

describe('mainlineSort', () => {
  const events = [
    roomEvent({ id: '$p1', type: 'm.room.power_levels', stateKey: '', sender: ALICE }),
    roomEvent({
      id: '$p2',
      type: 'm.room.power_levels',
      stateKey: '',
      sender: ALICE,
      auth: ['$p1'],
    }),
    roomEvent({
      id: '$p3',
      type: 'm.room.power_levels',
      stateKey: '',
      sender: ALICE,
      auth: ['$p2'],
    }),
    roomEvent({
      id: '$side',
      type: 'm.room.power_levels',
      stateKey: '',
      sender: BOB,
      auth: ['$p1'],
    }),
    roomEvent({
      id: '$t_new',
      type: 'm.room.topic',
      stateKey: '',
      sender: ALICE,
      ts: 1,
      auth: ['$p3'],
    }),
    roomEvent({
      id: '$t_old',
      type: 'm.room.topic',
      stateKey: '',
      sender: ALICE,
      ts: 9,
      auth: ['$p1'],
    }),
    roomEvent({
      id: '$t_side',
      type: 'm.room.topic',
      stateKey: '',
      sender: ALICE,
      ts: 3,
      auth: ['$side'],
    }),
    roomEvent({ id: '$t_none', type: 'm.room.topic', stateKey: '', sender: ALICE, ts: 99 }),
    roomEvent({
      id: '$t_mid',
      type: 'm.room.topic',
      stateKey: '',
      sender: ALICE,
      ts: 2,
      auth: ['$p2'],
    }),
  ];
  it('orders by mainline position (oldest first, no power levels before all), then ts', () => {
    const ctx = context(events);
    expect(mainlineSort(['$t_new', '$t_old', '$t_side', '$t_none', '$t_mid'], '$p3', ctx)).toEqual([
      '$t_none',
      '$t_side',
      '$t_old',
      '$t_mid',
      '$t_new',
    ]);
  });
  it('ties everything on position when there is no resolved power levels event', () => {
    const ctx = context(events);
    expect(mainlineSort(['$t_old', '$t_new', '$t_none'], undefined, ctx)).toEqual([
      '$t_new',
      '$t_old',
      '$t_none',
    ]);
  });
});

describe('conflict split and power events', () => {
  it('treats a key missing from one set as conflicted', () => {
    const k1 = stateKey('a', '');
    const k2 = stateKey('b', '');
    const { unconflicted, conflicted } = splitConflictedState([
      new Map([
        [k1, '$1'],
        [k2, '$2'],
      ]),
      new Map([[k1, '$1']]),
    ]);
    expect([...unconflicted]).toEqual([[k1, '$1']]);
    expect(conflictedEventIds(conflicted)).toEqual(new Set(['$2']));
  });
  it('recognises kicks and bans but not self-leaves', () => {
    const member = (sender: string, membership: string) =>
      roomEvent({
        id: '$m',
        type: 'm.room.member',
        stateKey: BOB,
        sender,
        content: { membership },
      });
    expect(isPowerEvent(member(ALICE, 'ban'))).toBe(true);
    expect(isPowerEvent(member(ALICE, 'leave'))).toBe(true);
    expect(isPowerEvent(member(BOB, 'leave'))).toBe(false);
    expect(isPowerEvent(member(ALICE, 'invite'))).toBe(false);
    expect(
      isPowerEvent(roomEvent({ id: '$t', type: 'm.room.topic', stateKey: '', sender: ALICE })),
    ).toBe(false);
  });
});

describe('conflictedStateSubgraph', () => {
  it('holds exactly the events on auth paths between conflicted events', () => {
    // c1 <- x <- y <- c2, and y <- z (z is not conflicted), c1 <- w (below c1: not on a path)
    const events = [
      roomEvent({ id: '$w', type: 't', stateKey: 'w', sender: ALICE }),
      roomEvent({ id: '$c1', type: 't', stateKey: 'c', sender: ALICE, auth: ['$w'] }),
      roomEvent({ id: '$x', type: 't', stateKey: 'x', sender: ALICE, auth: ['$c1'] }),
      roomEvent({ id: '$y', type: 't', stateKey: 'y', sender: ALICE, auth: ['$x', '$w'] }),
      roomEvent({ id: '$c2', type: 't', stateKey: 'c', sender: ALICE, auth: ['$y'] }),
      roomEvent({ id: '$z', type: 't', stateKey: 'z', sender: ALICE, auth: ['$y'] }),
    ];
    const store = eventStore(events);
    expect(conflictedStateSubgraph(new Set(['$c1', '$c2']), (id) => store.get(id))).toEqual(
      new Set(['$c1', '$x', '$y', '$c2']),
    );
  });
});

describe('MinHeap and compareEventIds', () => {
  it('pops in comparator order', () => {
    const heap = new MinHeap<number>((a, b) => a - b);
    for (const n of [5, 1, 4, 1, 3, 9, 2]) heap.push(n);
    const out = [];
    for (let n = heap.pop(); n !== undefined; n = heap.pop()) out.push(n);
    expect(out).toEqual([1, 1, 2, 3, 4, 5, 9]);
  });
  it('compares by code point', () => {
    expect(compareEventIds('$a', '$b')).toBe(-1);
    expect(compareEventIds('$ab', '$a')).toBe(1);
    // U+FF5E (BMP) is below U+1F600 by code point, although its UTF-16 unit is larger.
    expect(compareEventIds('$\uff5e', '$\u{1f600}')).toBe(-1);
  });
});
