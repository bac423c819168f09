/**
 * The events of the DAG in topological order, virtualised (only rows in view are in the DOM, so
 * 20,000 events cost nothing), kept in step with the DAG selection.
 */
import { useEffect, useRef, useState } from 'react';
import type { RoomGraph } from '../dag/room-graph';
import { shortId } from '../format';

const ROW = 24;
const OVERSCAN = 10;

export function EventList(props: {
  graph: RoomGraph;
  version: number;
  selectedEventId: string | null;
  onSelect: (eventId: string) => void;
  onStep: (delta: number) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const count = props.graph.layout.size;
  const selectedRow =
    props.selectedEventId === null ? undefined : props.graph.layout.rowOf(props.selectedEventId);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = scroller.current;
    if (!element || selectedRow === undefined) return;
    const top = selectedRow * ROW;
    if (top < element.scrollTop || top + ROW > element.scrollTop + element.clientHeight) {
      element.scrollTop = Math.max(0, top - element.clientHeight / 2);
    }
  }, [selectedRow]);

  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(count - 1, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);
  const rows = [];
  for (let row = first; row <= last; row++) {
    const event = props.graph.eventAtRow(row);
    if (!event) continue;
    const flags = [
      event.isPartialJoinEvent ? 'J' : '',
      event.partialState ? 'partial' : '',
      event.rejected ? 'rejected' : '',
      event.softFailed ? 'soft-failed' : '',
      event.outlier ? 'outlier' : '',
      event.resetKinds.length ? 'reset' : '',
    ].filter((f) => f !== '');
    rows.push(
      <div
        key={event.eventId}
        id={`event-row-${row}`}
        role="option"
        aria-selected={row === selectedRow}
        aria-label={`${event.type} ${event.stateKey ?? ''} ${event.eventId}`.replace(/\s+/g, ' ')}
        className={`event-row${row === selectedRow ? ' selected' : ''}`}
        style={{ top: row * ROW }}
        onClick={() => props.onSelect(event.eventId)}
        title={event.eventId}
      >
        <span className="event-depth">{event.depth}</span>
        <span className="event-type">{event.type}</span>
        <span className="event-id">{shortId(event.eventId, 14)}</span>
        <span className="event-flags">{flags.join(' ')}</span>
      </div>,
    );
  }

  return (
    <div
      ref={scroller}
      className="event-list"
      role="listbox"
      tabIndex={0}
      aria-label="Events in topological order"
      aria-activedescendant={selectedRow === undefined ? undefined : `event-row-${selectedRow}`}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      onKeyDown={(event) => {
        if (event.key === 'ArrowDown') props.onStep(1);
        else if (event.key === 'ArrowUp') props.onStep(-1);
        else return;
        event.preventDefault();
      }}
    >
      <div className="event-list-spacer" style={{ height: count * ROW }}>
        {rows}
      </div>
    </div>
  );
}
