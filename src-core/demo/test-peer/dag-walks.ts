/**
 * Backwards walks over a scripted room for /get_missing_events and /backfill. Both serve
 * everything the script holds (no history-visibility filtering: the peer is a test double).
 */
import type { DagEvent } from './dag-event';
import type { ScriptedRoom } from './scripted-room';

/**
 * Events reachable backwards from `latest` (exclusive) via prev_events, not walking into or past
 * `earliest`, with depth ≥ minDepth; at most `limit`, breadth-first, returned oldest first.
 */
export function missingEvents(
  room: ScriptedRoom,
  request: {
    earliest: readonly string[];
    latest: readonly string[];
    limit: number;
    minDepth: number;
  },
): DagEvent[] {
  const stop = new Set(request.earliest);
  const seen = new Set<string>(request.latest);
  const found: DagEvent[] = [];
  let frontier = [...request.latest];
  while (frontier.length > 0 && found.length < request.limit) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const prev of room.findEvent(id)?.prevEvents ?? []) {
        if (seen.has(prev) || stop.has(prev)) continue;
        seen.add(prev);
        const event = room.findEvent(prev);
        if (!event || event.depth < request.minDepth) continue;
        if (found.length < request.limit) found.push(event);
        next.push(prev);
      }
    }
    frontier = next;
  }
  return found.sort((a, b) => a.depth - b.depth || a.index - b.index);
}

/** Up to `limit` events from `from` (inclusive) backwards, newest first. */
export function backfillEvents(
  room: ScriptedRoom,
  from: readonly string[],
  limit: number,
): DagEvent[] {
  const seen = new Set<string>();
  const found: DagEvent[] = [];
  let frontier = from.filter((id) => room.has(id));
  frontier.forEach((id) => seen.add(id));
  while (frontier.length > 0 && found.length < limit) {
    const next: string[] = [];
    for (const id of frontier) {
      const event = room.event(id);
      if (found.length < limit) found.push(event);
      for (const prev of event.prevEvents) {
        if (!seen.has(prev) && room.has(prev)) {
          seen.add(prev);
          next.push(prev);
        }
      }
    }
    frontier = next;
  }
  return found.sort((a, b) => b.depth - a.depth || b.index - a.index);
}
