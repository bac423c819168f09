/**
 * One room's event graph as the GUI holds it: every event summary known (in arrival order: the
 * topological listEvents page first, live stream events after), children for walking down, and
 * the lane layout of the events on show. Kept mutable on purpose: with 20,000 events, copying
 * maps on every streamed update would cost more than drawing; the store bumps version counters
 * instead so React knows when to look again.
 */
import type { EventSummary } from '../../../src-core/admin-api/admin-api-types';
import { LaneLayout } from './lane-layout';

export type UpsertResult = 'added' | 'updated' | 'unchanged';

function sameFlags(a: EventSummary, b: EventSummary): boolean {
  return (
    a.outlier === b.outlier &&
    a.softFailed === b.softFailed &&
    a.partialState === b.partialState &&
    a.isPartialJoinEvent === b.isPartialJoinEvent &&
    (a.rejected?.rule ?? null) === (b.rejected?.rule ?? null) &&
    (a.rejected?.reason ?? null) === (b.rejected?.reason ?? null) &&
    a.resetKinds.join() === b.resetKinds.join() &&
    a.streamOrdering === b.streamOrdering
  );
}

export class RoomGraph {
  private readonly byId = new Map<string, EventSummary>();
  private readonly arrival: string[] = [];
  private readonly childIds = new Map<string, string[]>();
  private showOutliersFlag: boolean;
  layout = new LaneLayout();
  /** Bumped when the layout gains rows or is rebuilt. */
  structureVersion = 0;
  /** Bumped on every change, flags included (repaint only). */
  version = 0;

  constructor(
    readonly roomId: string,
    events: readonly EventSummary[] = [],
    options: { showOutliers?: boolean } = {},
  ) {
    this.showOutliersFlag = options.showOutliers ?? false;
    for (const event of events) this.upsert(event);
  }

  get size(): number {
    return this.arrival.length;
  }

  get showOutliers(): boolean {
    return this.showOutliersFlag;
  }

  get(eventId: string): EventSummary | undefined {
    return this.byId.get(eventId);
  }

  children(eventId: string): readonly string[] {
    return this.childIds.get(eventId) ?? [];
  }

  /** Events on show, in layout (topological/arrival) order. */
  eventAtRow(row: number): EventSummary | undefined {
    const id = this.layout.idAt(row);
    return id === undefined ? undefined : this.byId.get(id);
  }

  private visible(event: EventSummary): boolean {
    return this.showOutliersFlag || !event.outlier;
  }

  /**
   * Adds a new event at the bottom of the layout, or replaces a known one's summary. Flag
   * changes never move anything; an event that stops being an outlier joins the layout then.
   */
  upsert(event: EventSummary): UpsertResult {
    const known = this.byId.get(event.eventId);
    if (known !== undefined && sameFlags(known, event)) return 'unchanged';
    this.byId.set(event.eventId, event);
    this.version += 1;
    if (known === undefined) {
      this.arrival.push(event.eventId);
      for (const prev of event.prevEventIds) {
        const list = this.childIds.get(prev);
        if (list) list.push(event.eventId);
        else this.childIds.set(prev, [event.eventId]);
      }
    }
    if (this.visible(event) && this.layout.rowOf(event.eventId) === undefined) {
      this.layout.append(event.eventId, event.prevEventIds);
      this.structureVersion += 1;
      return known === undefined ? 'added' : 'updated';
    }
    return known === undefined ? 'added' : 'updated';
  }

  /** Rebuilds the layout over a different set of events (outliers shown or hidden). */
  setShowOutliers(show: boolean): void {
    if (show === this.showOutliersFlag) return;
    this.showOutliersFlag = show;
    this.relayout();
  }

  private relayout(): void {
    const layout = new LaneLayout();
    for (const id of this.arrival) {
      const event = this.byId.get(id) as EventSummary;
      if (this.visible(event)) layout.append(id, event.prevEventIds);
    }
    this.layout = layout;
    this.structureVersion += 1;
    this.version += 1;
  }

  /** All events in arrival order (export, search). */
  *allEvents(): IterableIterator<EventSummary> {
    for (const id of this.arrival) yield this.byId.get(id) as EventSummary;
  }
}
