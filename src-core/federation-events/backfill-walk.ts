/**
 * The events /backfill answers with (server-server API "Backfilling and retrieving missing
 * events", Synapse `_get_backfill_events`): starting with the given events themselves, the
 * deepest event not yet taken next (ties: the later stream position), stepping to prev events
 * we hold in the timeline — outliers are skipped since we cannot judge who may see them — until
 * `limit` events. Served newest first, as Synapse sorts them (depth, then stream, descending).
 */
import { MinHeap } from '../rules/state-resolution/min-heap';
import type { DagNode } from '../storage/dag-queries';
import type { DagReader } from './missing-events-walk';

/** Synapse asks for, and serves, at most 100 per request. */
export const MAX_BACKFILL_EVENTS = 100;

const newestFirst = (a: DagNode, b: DagNode): number =>
  b.depth - a.depth || b.streamOrdering - a.streamOrdering;

export function walkBackfill(
  dag: DagReader,
  roomId: string,
  from: readonly string[],
  requestedLimit: number,
): string[] {
  const limit = Math.min(Math.max(requestedLimit, 0), MAX_BACKFILL_EVENTS);
  const queue = new MinHeap<DagNode>(newestFirst);
  for (const id of new Set(from)) {
    const node = dag.node(id);
    if (node && node.roomId === roomId) queue.push(node);
  }
  const visited = new Set<string>();
  const taken: DagNode[] = [];
  while (queue.size > 0 && taken.length < limit) {
    const node = queue.pop() as DagNode;
    if (visited.has(node.eventId)) continue;
    visited.add(node.eventId);
    if (!node.rejected) taken.push(node);
    for (const prev of dag.prevNodes(node.eventId)) {
      if (!prev.outlier && prev.roomId === roomId && !visited.has(prev.eventId)) queue.push(prev);
    }
  }
  return taken.sort(newestFirst).map((node) => node.eventId);
}
