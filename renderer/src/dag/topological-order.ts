/**
 * Kahn's topological sort with a deterministic tie-break (lowest depth, then earliest position in
 * the input), so an imported file always lays out the same way whatever order its lines are in.
 * prev_events that are not in the input (history we were never given) are ignored.
 */

export interface OrderInput {
  id: string;
  prevIds: readonly string[];
  depth: number;
}

/** A binary min-heap over input positions keyed by (depth, position). */
class PositionHeap {
  private readonly items: number[] = [];
  constructor(private readonly depthOf: (position: number) => number) {}

  get size(): number {
    return this.items.length;
  }

  private less(a: number, b: number): boolean {
    const da = this.depthOf(a);
    const db = this.depthOf(b);
    return da === db ? a < b : da < db;
  }

  push(position: number): void {
    const items = this.items;
    items.push(position);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(items[i] as number, items[parent] as number)) break;
      [items[i], items[parent]] = [items[parent] as number, items[i] as number];
      i = parent;
    }
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.less(items[left] as number, items[smallest] as number))
          smallest = left;
        if (right < items.length && this.less(items[right] as number, items[smallest] as number))
          smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest] as number, items[i] as number];
        i = smallest;
      }
    }
    return top;
  }
}

/** Input positions in topological order. Cycles (only in corrupt files) are broken by depth. */
export function topologicalOrder(nodes: readonly OrderInput[]): number[] {
  const positionById = new Map<string, number>();
  nodes.forEach((node, position) => {
    if (!positionById.has(node.id)) positionById.set(node.id, position);
  });
  const waitingOn = new Int32Array(nodes.length);
  const children: number[][] = nodes.map(() => []);
  nodes.forEach((node, position) => {
    if (positionById.get(node.id) !== position) return; // a duplicate line: ignored
    for (const prev of new Set(node.prevIds)) {
      const parent = positionById.get(prev);
      if (parent === undefined || parent === position) continue;
      waitingOn[position] = (waitingOn[position] as number) + 1;
      (children[parent] as number[]).push(position);
    }
  });
  const heap = new PositionHeap((position) => (nodes[position] as OrderInput).depth);
  const done = new Uint8Array(nodes.length);
  const order: number[] = [];
  const release = (position: number): void => {
    done[position] = 1;
    order.push(position);
    for (const child of children[position] as number[]) {
      waitingOn[child] = (waitingOn[child] as number) - 1;
      if (waitingOn[child] === 0) heap.push(child);
    }
  };
  nodes.forEach((node, position) => {
    if (waitingOn[position] === 0 && positionById.get(node.id) === position) heap.push(position);
  });
  for (;;) {
    while (heap.size > 0) release(heap.pop() as number);
    if (order.length === positionById.size) break;
    // A cycle: release the shallowest event still waiting and carry on.
    let next = -1;
    nodes.forEach((node, position) => {
      if (done[position] || positionById.get(node.id) !== position) return;
      if (next === -1 || node.depth < (nodes[next] as OrderInput).depth) next = position;
    });
    waitingOn[next] = 0;
    heap.push(next);
  }
  return order;
}
