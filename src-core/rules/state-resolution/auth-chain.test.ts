import { describe, expect, it } from 'vitest';
import { stateKey } from '../events/state-map';
import {
  authChain,
  authChainDifference,
  authChainDifferenceFromEventChains,
  authDifferenceOfChains,
  indexAuthGraph,
} from './auth-chain';
import { MissingEventError } from './missing-event-error';
import { eventStore, roomEvent } from './test-room-events';

const A = '@a:x';

/** A linear chain e0 <- e1 <- ... <- e(n-1), each citing the previous one. */
function linear(n: number) {
  const events = [];
  for (let i = 0; i < n; i++) {
    events.push(
      roomEvent({
        id: `$e${i}`,
        type: 't',
        stateKey: `${i}`,
        sender: A,
        auth: i ? [`$e${i - 1}`] : [],
      }),
    );
  }
  return eventStore(events);
}

describe('authChain', () => {
  const store = eventStore([
    roomEvent({ id: '$c', type: 'm.room.create', stateKey: '', sender: A }),
    roomEvent({ id: '$m', type: 'm.room.member', stateKey: A, sender: A, auth: ['$c'] }),
    roomEvent({
      id: '$p',
      type: 'm.room.power_levels',
      stateKey: '',
      sender: A,
      auth: ['$c', '$m'],
    }),
    roomEvent({
      id: '$t',
      type: 'm.room.topic',
      stateKey: '',
      sender: A,
      auth: ['$c', '$p', '$m'],
    }),
  ]);
  const get = (id: string) => store.get(id);

  it('walks auth_events recursively and excludes the starting event', () => {
    expect(authChain(['$t'], get)).toEqual(new Set(['$c', '$p', '$m']));
    expect(authChain(['$m'], get)).toEqual(new Set(['$c']));
    expect(authChain(['$c'], get)).toEqual(new Set());
  });

  it('includes a starting event reached from another one', () => {
    expect(authChain(['$p', '$m'], get)).toEqual(new Set(['$c', '$m']));
  });

  it('names the missing event and who cites it', () => {
    const broken = eventStore([
      roomEvent({ id: '$x', type: 't', stateKey: '', sender: A, auth: ['$gone'] }),
    ]);
    let caught: unknown;
    try {
      authChain(['$x'], (id) => broken.get(id));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MissingEventError);
    expect((caught as MissingEventError).eventId).toBe('$gone');
    expect((caught as MissingEventError).referencedBy).toBe('$x');
  });

  it('handles a 100,000-deep chain without recursion', () => {
    const deep = linear(100_000);
    expect(authChain(['$e99999'], (id) => deep.get(id)).size).toBe(99_999);
  });
});

describe('authChainDifference', () => {
  // c <- m <- p1 <- p2 (fork 1) ; p1 <- t (fork 2)
  const store = eventStore([
    roomEvent({ id: '$c', type: 'm.room.create', stateKey: '', sender: A }),
    roomEvent({ id: '$m', type: 'm.room.member', stateKey: A, sender: A, auth: ['$c'] }),
    roomEvent({
      id: '$p1',
      type: 'm.room.power_levels',
      stateKey: '',
      sender: A,
      auth: ['$c', '$m'],
    }),
    roomEvent({
      id: '$p2',
      type: 'm.room.power_levels',
      stateKey: '',
      sender: A,
      auth: ['$c', '$m', '$p1'],
    }),
    roomEvent({
      id: '$t',
      type: 'm.room.topic',
      stateKey: '',
      sender: A,
      auth: ['$c', '$m', '$p1'],
    }),
    roomEvent({
      id: '$t2',
      type: 'm.room.topic',
      stateKey: '',
      sender: A,
      auth: ['$c', '$m', '$p2'],
    }),
  ]);
  const get = (id: string) => store.get(id);
  const s = (entries: [string, string, string][]) =>
    new Map(entries.map(([type, key, id]) => [stateKey(type, key), id]));

  it('is the union minus the intersection of the full chains', () => {
    const s1 = s([
      ['m.room.create', '', '$c'],
      ['m.room.power_levels', '', '$p1'],
      ['m.room.topic', '', '$t'],
    ]);
    const s2 = s([
      ['m.room.create', '', '$c'],
      ['m.room.power_levels', '', '$p2'],
      ['m.room.topic', '', '$t2'],
    ]);
    // C1 = {c, m, p1}; C2 = {c, m, p1, p2}
    expect(authChainDifference([s1, s2], get)).toEqual(new Set(['$p2']));
    expect(authChainDifference([s2, s1], get)).toEqual(new Set(['$p2']));
  });

  it('agrees with the naive definition and with the precomputed-chains variant', () => {
    const sets = [
      s([['m.room.topic', '', '$t']]),
      s([['m.room.topic', '', '$t2']]),
      s([['m.room.member', A, '$m']]),
    ];
    const chains = sets.map((set) => authChain(set.values(), get));
    const expected = authDifferenceOfChains(chains);
    expect(expected).toEqual(new Set(['$m', '$p1', '$p2']));
    expect(authChainDifference(sets, get)).toEqual(expected);
    const perEvent = (id: string) => (store.has(id) ? authChain([id], get) : undefined);
    expect(authChainDifferenceFromEventChains(sets, perEvent)).toEqual(expected);
    expect(() =>
      authChainDifferenceFromEventChains([...sets, s([['x', '', '$none']])], perEvent),
    ).toThrow(MissingEventError);
  });

  it('is empty for fewer than two state sets', () => {
    expect(authChainDifference([s([['m.room.topic', '', '$t']])], get)).toEqual(new Set());
  });

  it('copes with more than 32 state sets', () => {
    const sets = [];
    for (let i = 0; i < 40; i++) sets.push(s([['m.room.topic', '', i === 39 ? '$t2' : '$t']]));
    expect(authChainDifference(sets, get)).toEqual(new Set(['$p2']));
  });

  it('terminates on a forged auth cycle', () => {
    const cyclic = eventStore([
      roomEvent({ id: '$x', type: 't', stateKey: 'x', sender: A, auth: ['$y'] }),
      roomEvent({ id: '$y', type: 't', stateKey: 'y', sender: A, auth: ['$x'] }),
      roomEvent({ id: '$z', type: 't', stateKey: 'z', sender: A }),
    ]);
    const g = (id: string) => cyclic.get(id);
    const sets = [s([['t', 'x', '$x']]), s([['t', 'z', '$z']])];
    expect(authChainDifference(sets, g)).toEqual(new Set(['$x', '$y']));
    expect(authChainDifference(sets, g)).toEqual(
      authDifferenceOfChains(sets.map((set) => authChain(set.values(), g))),
    );
  });

  it('indexes every reachable event once', () => {
    const graph = indexAuthGraph(['$t2', '$t'], get);
    expect([...graph.ids].sort()).toEqual(['$c', '$m', '$p1', '$p2', '$t', '$t2']);
    expect(graph.edges.length).toBe(2 + 3 + 3 + 3 + 1);
  });

  it('is exact over a 100,000-event auth DAG (iterative: no recursion depth limit)', () => {
    // Each event cites its predecessor and a "power levels" event every 100 events back;
    // the two forks share the first 99,000 events.
    const events = [];
    for (let i = 0; i < 100_000; i++) {
      const auth = i ? [`$e${i - 1}`] : [];
      if (i >= 100) auth.push(`$e${i - (i % 100) - 100}`);
      const forkTs = i >= 99_000 ? 1 : 0;
      events.push(
        roomEvent({ id: `$e${i}`, type: 't', stateKey: `${i}`, sender: A, auth, ts: forkTs }),
      );
    }
    const store100k = eventStore(events);
    const g = (id: string) => store100k.get(id);
    const s1 = s([['t', 'head', '$e99999']]);
    const s2 = s([['t', 'head', '$e98999']]);
    const diff = authChainDifference([s1, s2], g);
    // C1 = e0..e99998, C2 = e0..e98998: the difference is e98999..e99998.
    expect(diff.size).toBe(1000);
    expect(diff.has('$e98999')).toBe(true);
    expect(diff.has('$e98998')).toBe(false);
  });
});
