/**
 * "Collapse long linear chains": runs of plain events each of which only follows the one above
 * it (one prev, that prev has one child, same lane) are drawn as first, a "… N events" marker,
 * and last — the way TARDIS shortens boring history. Notable events (J, rejected, soft-failed,
 * reset-marked, where partial state starts or ends) always stay visible.
 */
import type { EventSummary } from '../../../src-core/admin-api/admin-api-types';
import type { RoomGraph } from './room-graph';

/** Runs shorter than this are drawn in full. */
export const MIN_COLLAPSED_RUN = 6;

export interface DisplayRows {
  /** Display row of each layout row (hidden rows map to their marker's row). */
  displayRowOf: Int32Array;
  /** Marker rows: display row → how many events it stands for. */
  markers: Map<number, number>;
  /** Layout row shown on each display row (a marker row shows the first hidden layout row). */
  layoutRowAt: Int32Array;
  rowCount: number;
}

function notable(event: EventSummary, previous: EventSummary | undefined): boolean {
  return (
    event.isPartialJoinEvent ||
    event.rejected !== null ||
    event.softFailed ||
    event.outlier ||
    event.resetKinds.length > 0 ||
    event.stateKey !== null ||
    (previous !== undefined && previous.partialState !== event.partialState)
  );
}

/** Identity mapping (nothing collapsed). */
export function identityRows(count: number): DisplayRows {
  const rows = new Int32Array(count);
  for (let i = 0; i < count; i++) rows[i] = i;
  return { displayRowOf: rows, layoutRowAt: rows, markers: new Map(), rowCount: count };
}

export function collapseChains(graph: RoomGraph, minRun = MIN_COLLAPSED_RUN): DisplayRows {
  const count = graph.layout.size;
  // linked[r]: row r only continues row r-1 (and row r-1 has no other child).
  const linked = new Uint8Array(count);
  let previous: EventSummary | undefined;
  for (let row = 0; row < count; row++) {
    const event = graph.eventAtRow(row) as EventSummary;
    if (
      previous !== undefined &&
      event.prevEventIds.length === 1 &&
      event.prevEventIds[0] === previous.eventId &&
      graph.children(previous.eventId).length === 1 &&
      graph.layout.laneAt(row) === graph.layout.laneAt(row - 1) &&
      !notable(event, previous) &&
      !notable(previous, undefined)
    ) {
      linked[row] = 1;
    }
    previous = event;
  }
  const displayRowOf = new Int32Array(count);
  const layoutRows: number[] = [];
  const markers = new Map<number, number>();
  let row = 0;
  while (row < count) {
    // A run is row `start` followed by linked rows start+1..end.
    const start = row;
    let end = row;
    while (end + 1 < count && linked[end + 1]) end++;
    const length = end - start + 1;
    if (length >= minRun) {
      displayRowOf[start] = layoutRows.length;
      layoutRows.push(start);
      const marker = layoutRows.length;
      for (let hidden = start + 1; hidden < end; hidden++) displayRowOf[hidden] = marker;
      layoutRows.push(start + 1);
      markers.set(marker, length - 2);
      displayRowOf[end] = layoutRows.length;
      layoutRows.push(end);
    } else {
      for (let shown = start; shown <= end; shown++) {
        displayRowOf[shown] = layoutRows.length;
        layoutRows.push(shown);
      }
    }
    row = end + 1;
  }
  return {
    displayRowOf,
    markers,
    layoutRowAt: Int32Array.from(layoutRows),
    rowCount: layoutRows.length,
  };
}
