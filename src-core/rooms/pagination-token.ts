/**
 * Pagination tokens of /messages and /context (opaque to clients, spec "Pagination").
 *
 * - `t<depth>_<stream>`: a topological position, i.e. the point just after the event with that
 *   depth and stream ordering in the order `(depth, stream_ordering)`. Paginating forwards from
 *   it returns events after that point; backwards, events at or before it. A backward page that
 *   ends at event `(d, s)` answers `end = t<d>_<s-1>` (the point just before that event), so the
 *   next page continues without a gap or a duplicate.
 * - `s<stream>_<typing>` (a sync token, sync/sync-token.ts), `s<stream>` or plain digits: a
 *   stream position, as /sync hands out in `prev_batch` and `next_batch` (the spec lets clients
 *   pass either to /messages `from` and /members `at`); only the stream part matters here. It is
 *   mapped to the topological position of the last event the room had received by then.
 */
import { invalidParam } from '../http/matrix-error';
import type { TopologicalPosition } from '../storage/topological-timeline-store';

export type PaginationToken =
  { kind: 'topological'; position: TopologicalPosition } | { kind: 'stream'; stream: number };

const TOPOLOGICAL = /^t(\d{1,15})_(\d{1,15})$/;
const STREAM = /^s?(\d{1,15})(?:_\d{1,15})?$/;

export function formatTopologicalToken(position: TopologicalPosition): string {
  return `t${position.depth}_${position.stream}`;
}

/** The token of the point just before an event (the `end` of a backward page ending at it). */
export function positionBefore(event: TopologicalPosition): TopologicalPosition {
  return { depth: event.depth, stream: event.stream - 1 };
}

/** Parses a client-supplied token; 400 M_INVALID_PARAM naming the parameter otherwise. */
export function parsePaginationToken(token: string, parameter: string): PaginationToken {
  const topological = TOPOLOGICAL.exec(token);
  if (topological) {
    return {
      kind: 'topological',
      position: { depth: Number(topological[1]), stream: Number(topological[2]) },
    };
  }
  const stream = STREAM.exec(token);
  if (stream) return { kind: 'stream', stream: Number(stream[1]) };
  throw invalidParam(`"${parameter}" is not a pagination token: ${JSON.stringify(token)}`);
}
