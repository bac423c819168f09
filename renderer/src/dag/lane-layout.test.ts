import { describe, expect, it } from 'vitest';
import { syntheticDag } from '../testing/synthetic-dag';
import { LaneLayout, STALE_ROWS, layoutLanes } from './lane-layout';

const inputs = (count: number) =>
  syntheticDag(count).map((e) => ({ id: e.eventId, prevIds: e.prevEventIds }));

describe('lane layout', () => {
  it('keeps a linear chain in lane 0, one row per event', () => {
    const layout = layoutLanes([
      { id: 'a', prevIds: [] },
      { id: 'b', prevIds: ['a'] },
      { id: 'c', prevIds: ['b'] },
    ]);
    expect(layout.laneArray()).toEqual([0, 0, 0]);
    expect(layout.rowOf('c')).toBe(2);
    expect(layout.laneCount).toBe(1);
  });

  it('puts a fork in a second lane and frees it when the branches merge', () => {
    const layout = layoutLanes([
      { id: 'a', prevIds: [] },
      { id: 'b', prevIds: ['a'] }, // first child keeps lane 0
      { id: 'c', prevIds: ['a'] }, // second child of a: new lane 1
      { id: 'd', prevIds: ['c', 'b'] }, // merge: continues lane 0 (lowest), closes lane 1
      { id: 'e', prevIds: ['a'] }, // a is no longer a tip: lane 1 is free again
    ]);
    expect(layout.laneArray()).toEqual([0, 0, 1, 0, 1]);
    expect(layout.laneCount).toBe(2);
  });

  it('treats events whose prevs are unknown as roots in the lowest free lane', () => {
    const layout = layoutLanes([
      { id: 'j', prevIds: ['$missing1'] },
      { id: 'k', prevIds: ['$missing2'] },
      { id: 'l', prevIds: ['j', 'k'] },
    ]);
    expect(layout.laneArray()).toEqual([0, 1, 0]);
  });

  it('reuses the lane of a dead branch after STALE_ROWS rows', () => {
    const nodes = [
      { id: 'root', prevIds: [] },
      { id: 'dead', prevIds: ['root'] },
      { id: 'main0', prevIds: ['root'] },
    ];
    for (let i = 1; i <= STALE_ROWS + 2; i++)
      nodes.push({ id: `main${i}`, prevIds: [`main${i - 1}`] });
    nodes.push({ id: 'late-fork', prevIds: ['main3'] });
    const layout = layoutLanes(nodes);
    expect(layout.laneAt(layout.rowOf('dead') as number)).toBe(0);
    expect(layout.laneAt(layout.rowOf('main0') as number)).toBe(1);
    // Lane 0's tip ("dead") has waited more than STALE_ROWS rows: the fork takes lane 0.
    expect(layout.laneAt(layout.rowOf('late-fork') as number)).toBe(0);
  });

  it('ignores an event appended twice', () => {
    const layout = new LaneLayout();
    layout.append('a', []);
    expect(layout.append('a', [])).toBe(0);
    expect(layout.size).toBe(1);
  });

  it('lays out 20,000 events in under 200 ms, deterministically', () => {
    const nodes = inputs(20_000);
    layoutLanes(nodes); // warm up the JIT
    const started = performance.now();
    const layout = layoutLanes(nodes);
    const elapsed = performance.now() - started;
    expect(layout.size).toBe(20_000);
    expect(elapsed).toBeLessThan(200);
    expect(layout.laneCount).toBeGreaterThan(1);
    expect(layout.laneCount).toBeLessThan(40);
    expect(layoutLanes(inputs(20_000)).laneArray()).toEqual(layout.laneArray());
  });

  it('gives the same lanes when events are appended incrementally as when laid out at once', () => {
    const nodes = inputs(5_000);
    const whole = layoutLanes(nodes);
    const incremental = layoutLanes(nodes.slice(0, 1_234));
    for (const node of nodes.slice(1_234)) incremental.append(node.id, node.prevIds);
    expect(incremental.laneArray()).toEqual(whole.laneArray());
  });

  it('never places a child above one of its laid-out prevs', () => {
    const nodes = inputs(3_000);
    const layout = layoutLanes(nodes);
    for (const node of nodes) {
      for (const prev of node.prevIds) {
        expect(layout.rowOf(prev) as number).toBeLessThan(layout.rowOf(node.id) as number);
      }
    }
  });
});
