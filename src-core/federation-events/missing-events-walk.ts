/**
 * The events /get_missing_events answers with (server-server API "Retrieving events", Synapse
 * `_get_missing_events`): breadth-first back along prev_events from `latest`, never past an
 * event in `earliest`, at most `limit` events, then reversed so the oldest come first (the
 * receiver processes them in that order).
 *
 * `min_depth` is accepted but not applied, as in Synapse: the asking server derives it from its
 * own forward extremities, and a fork off an old event would otherwise never be filled.
 */
import type { DagNode } from '../storage/dag-queries';

/** Synapse serves at most 20 per request, whatever the asker wants. */
export const MAX_MISSING_EVENTS = 20;

export interface DagReader {
  node(eventId: string): DagNode | undefined;
  prevNodes(eventId: string): DagNode[];
}

export function walkMissingEvents(
  dag: DagReader,
  roomId: string,
  request: { earliest: readonly string[]; latest: readonly string[]; limit: number },
): string[] {
  const limit = Math.min(Math.max(request.limit, 0), MAX_MISSING_EVENTS);
  // The asker holds `latest` already: never hand those back.
  const seen = new Set([...request.earliest, ...request.latest]);
  let front = [...new Set(request.latest)].filter((id) => !request.earliest.includes(id));
  const found: string[] = [];
  while (front.length > 0 && found.length < limit) {
    const next: string[] = [];
    for (const id of front) {
      for (const prev of dag.prevNodes(id)) {
        if (found.length >= limit) break;
        if (seen.has(prev.eventId)) continue;
        seen.add(prev.eventId);
        if (prev.roomId !== roomId) continue;
        next.push(prev.eventId);
        // A rejected event is walked through (its prevs are still the room's history) but not
        // served: Synapse's event fetch drops rejected events too.
        if (!prev.rejected) found.push(prev.eventId);
      }
    }
    front = next;
  }
  return found.reverse();
}
