/**
 * The append-only "lane" layout of a room DAG: row = position in topological/arrival order,
 * column = a lane that is reused once its branch ends. Issue 5 measured general layered layouts
 * (dagre, elkjs) failing at 5k–20k events; this one is a single pass of O(prevs) per event, and
 * appending an event never moves an earlier one, so live updates extend the picture instead of
 * re-laying it out.
 *
 * Lane rules, applied in order for each appended event:
 * 1. it continues the lowest lane whose open tip is one of its prev_events (the main line stays
 *    in its lane; the first child of a fork keeps the parent's lane);
 * 2. otherwise it takes the lowest free lane (a fork's second child, a root, an event whose prevs
 *    we do not have — e.g. history before a partial join);
 * 3. the other prevs' open tips are closed: their branches merged here, so their lanes free up.
 * A lane whose tip has had no child for STALE_ROWS rows (a dead branch, a forward extremity that
 * was never built on) is also reused, which bounds the width of long histories.
 */

export interface LayoutInput {
  id: string;
  prevIds: readonly string[];
}

/** Rows a tip may wait for a child before its lane is handed to someone else. */
export const STALE_ROWS = 64;

export class LaneLayout {
  /** Lane of each row (row = index of append). */
  private lanes = new Int32Array(1024);
  private count = 0;
  private readonly rowById = new Map<string, number>();
  private readonly idByRow: string[] = [];
  /** Per lane: the open tip's event ID, or null when the lane is free. */
  private readonly tipOfLane: (string | null)[] = [];
  /** Per lane: the row its tip sits on (for staleness). */
  private readonly tipRowOfLane: number[] = [];
  private readonly laneOfTip = new Map<string, number>();
  private widest = 0;

  get size(): number {
    return this.count;
  }

  /** Number of lanes ever used: the picture's width. */
  get laneCount(): number {
    return this.widest;
  }

  rowOf(id: string): number | undefined {
    return this.rowById.get(id);
  }

  idAt(row: number): string | undefined {
    return this.idByRow[row];
  }

  laneAt(row: number): number {
    if (row < 0 || row >= this.count) throw new RangeError(`row ${row} outside 0..${this.count}`);
    return this.lanes[row] as number;
  }

  /** Lanes by row, as a copy (for tests and exports). */
  laneArray(): number[] {
    return Array.from(this.lanes.subarray(0, this.count));
  }

  /** Adds one event below everything laid out so far; returns its row. Ignores repeats. */
  append(id: string, prevIds: readonly string[]): number {
    const existing = this.rowById.get(id);
    if (existing !== undefined) return existing;
    const row = this.count;

    let lane = -1;
    let continued: string | undefined;
    for (const prev of prevIds) {
      const candidate = this.laneOfTip.get(prev);
      if (candidate !== undefined && (lane === -1 || candidate < lane)) {
        lane = candidate;
        continued = prev;
      }
    }
    if (continued !== undefined) this.laneOfTip.delete(continued);
    for (const prev of prevIds) {
      if (prev === continued) continue;
      const merged = this.laneOfTip.get(prev);
      if (merged === undefined) continue;
      this.laneOfTip.delete(prev);
      this.tipOfLane[merged] = null;
    }
    if (lane === -1) lane = this.freeLane(row);

    const previousTip = this.tipOfLane[lane];
    if (previousTip != null) this.laneOfTip.delete(previousTip);
    this.tipOfLane[lane] = id;
    this.tipRowOfLane[lane] = row;
    this.laneOfTip.set(id, lane);

    if (row === this.lanes.length) {
      const grown = new Int32Array(this.lanes.length * 2);
      grown.set(this.lanes);
      this.lanes = grown;
    }
    this.lanes[row] = lane;
    this.rowById.set(id, row);
    this.idByRow.push(id);
    this.count = row + 1;
    if (lane + 1 > this.widest) this.widest = lane + 1;
    return row;
  }

  private freeLane(row: number): number {
    for (let lane = 0; lane < this.tipOfLane.length; lane++) {
      if (this.tipOfLane[lane] === null) return lane;
      if ((this.tipRowOfLane[lane] ?? 0) < row - STALE_ROWS) return lane;
    }
    this.tipOfLane.push(null);
    this.tipRowOfLane.push(row);
    return this.tipOfLane.length - 1;
  }
}

/** Lays out a whole sequence at once (the same as appending one by one). */
export function layoutLanes(nodes: Iterable<LayoutInput>): LaneLayout {
  const layout = new LaneLayout();
  for (const node of nodes) layout.append(node.id, node.prevIds);
  return layout;
}
