import { describe, expect, it } from 'vitest';
import type { DagNode } from '../storage/dag-queries';
import { MAX_BACKFILL_EVENTS, walkBackfill } from './backfill-walk';
import type { DagReader } from './missing-events-walk';
import { MAX_MISSING_EVENTS, walkMissingEvents } from './missing-events-walk';

const ROOM = '!room:hs';

/** A DAG given as `id → prevs`; depth is 1 + the deepest prev, stream order follows insertion. */
function dag(
  edges: Record<string, string[]>,
  extra: { outliers?: string[]; rejected?: string[]; otherRoom?: string[] } = {},
): DagReader {
  const nodes = new Map<string, DagNode>();
  let stream = 0;
  for (const [id, prevs] of Object.entries(edges)) {
    const depth = Math.max(0, ...prevs.map((p) => nodes.get(p)?.depth ?? 0)) + 1;
    nodes.set(id, {
      eventId: id,
      roomId: extra.otherRoom?.includes(id) ? '!other:hs' : ROOM,
      depth,
      streamOrdering: ++stream,
      outlier: extra.outliers?.includes(id) ?? false,
      rejected: extra.rejected?.includes(id) ?? false,
    });
  }
  return {
    node: (id) => nodes.get(id),
    prevNodes: (id) =>
      (edges[id] ?? [])
        .map((p) => nodes.get(p))
        .filter((n): n is DagNode => n !== undefined)
        .sort((a, b) => b.depth - a.depth || b.streamOrdering - a.streamOrdering),
  };
}

/** $1 ← $2 ← … ← $n */
function line(n: number): Record<string, string[]> {
  const edges: Record<string, string[]> = {};
  for (let i = 1; i <= n; i++) edges[`$${i}`] = i === 1 ? [] : [`$${i - 1}`];
  return edges;
}

const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `$${from + i}`);

describe('walkMissingEvents', () => {
  it('walks back from latest, oldest first, and stops at earliest', () => {
    const reader = dag(line(10));
    expect(
      walkMissingEvents(reader, ROOM, { earliest: ['$4'], latest: ['$10'], limit: 20 }),
    ).toEqual(range(5, 9));
  });

  it('keeps the events nearest to latest when the limit cuts the walk', () => {
    const reader = dag(line(40));
    expect(
      walkMissingEvents(reader, ROOM, { earliest: ['$1'], latest: ['$40'], limit: 3 }),
    ).toEqual(range(37, 39));
  });

  it('caps the limit at 20', () => {
    const reader = dag(line(40));
    const found = walkMissingEvents(reader, ROOM, { earliest: [], latest: ['$40'], limit: 1000 });
    expect(found).toHaveLength(MAX_MISSING_EVENTS);
    expect(found).toEqual(range(20, 39));
  });

  it('walks both branches of a fork and never returns latest events', () => {
    const reader = dag({ $a: [], $b: ['$a'], $c: ['$a'], $d: ['$b', '$c'] });
    const found = walkMissingEvents(reader, ROOM, {
      earliest: ['$a'],
      latest: ['$d', '$c'],
      limit: 10,
    });
    expect(found).toEqual(['$b']);
  });

  it('passes through rejected events without serving them, and ignores other rooms', () => {
    const reader = dag(line(5), { rejected: ['$3'], otherRoom: ['$2'] });
    expect(walkMissingEvents(reader, ROOM, { earliest: [], latest: ['$5'], limit: 10 })).toEqual([
      '$4',
    ]);
    const reader2 = dag(line(5), { rejected: ['$3'] });
    expect(walkMissingEvents(reader2, ROOM, { earliest: [], latest: ['$5'], limit: 10 })).toEqual([
      '$1',
      '$2',
      '$4',
    ]);
  });

  it('returns nothing for limit 0 or unknown latest events', () => {
    const reader = dag(line(5));
    expect(walkMissingEvents(reader, ROOM, { earliest: [], latest: ['$5'], limit: 0 })).toEqual([]);
    expect(walkMissingEvents(reader, ROOM, { earliest: [], latest: ['$nope'], limit: 5 })).toEqual(
      [],
    );
  });
});

describe('walkBackfill', () => {
  it('includes the starting events and goes back newest first', () => {
    const reader = dag(line(10));
    expect(walkBackfill(reader, ROOM, ['$10'], 4)).toEqual(['$10', '$9', '$8', '$7']);
  });

  it('caps the limit at 100', () => {
    const reader = dag(line(150));
    const found = walkBackfill(reader, ROOM, ['$150'], 1000);
    expect(found).toHaveLength(MAX_BACKFILL_EVENTS);
    expect(found.at(-1)).toBe('$51');
  });

  it('takes the deepest event first across a fork, and each event once', () => {
    const reader = dag({ $a: [], $b: ['$a'], $b2: ['$b'], $c: ['$a'], $d: ['$b2', '$c'] });
    expect(walkBackfill(reader, ROOM, ['$d', '$d'], 10)).toEqual(['$d', '$b2', '$c', '$b', '$a']);
    // Equal depths: the later stream position first.
    expect(walkBackfill(reader, ROOM, ['$d'], 3)).toEqual(['$d', '$b2', '$c']);
  });

  it('skips outlier prevs, rejected events and seeds from other rooms', () => {
    const reader = dag(line(6), { outliers: ['$3'], rejected: ['$5'], otherRoom: ['$1'] });
    expect(walkBackfill(reader, ROOM, ['$6', '$1', '$unknown'], 10)).toEqual(['$6', '$4']);
  });
});
