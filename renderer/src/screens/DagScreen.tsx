/**
 * One room's DAG: the canvas, the event list beside it (same selection), the toolbar (fit, jumps,
 * edge/outlier/chain toggles, export) and stepping through the events one at a time.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DagCanvasHandle } from '../components/DagCanvas';
import { DagCanvas } from '../components/DagCanvas';
import { EventList } from '../components/EventList';
import { collapseChains, identityRows } from '../dag/chain-collapse';
import { useAdmin, useAdminStore } from '../state/store-context';

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function DagScreen() {
  const store = useAdminStore();
  const roomId = useAdmin((s) => s.selectedRoomId);
  const graph = useAdmin((s) =>
    s.selectedRoomId === null ? undefined : s.graphs[s.selectedRoomId],
  );
  const loading = useAdmin((s) =>
    s.selectedRoomId === null ? false : !!s.loadingRooms[s.selectedRoomId],
  );
  const graphVersion = useAdmin((s) => s.graphVersion);
  const structureVersion = useAdmin((s) => s.structureVersion);
  const selectedEventId = useAdmin((s) => s.selectedEventId);
  const focus = useAdmin((s) => s.focus);
  const showAuthEdges = useAdmin((s) => s.showAuthEdges);
  const showOutliers = useAdmin((s) => s.showOutliers);
  const collapse = useAdmin((s) => s.collapseChains);
  const theme = useAdmin((s) => s.theme);
  const room = useAdmin((s) => (s.selectedRoomId === null ? undefined : s.rooms[s.selectedRoomId]));
  const cursorEventId = useAdmin((s) =>
    s.selectedRoomId === null ? null : (s.resync[s.selectedRoomId]?.cursorEventId ?? null),
  );
  const canvas = useRef<DagCanvasHandle>(null);
  const [jumpTo, setJumpTo] = useState('');
  const [exporting, setExporting] = useState<string | null>(null);

  const rows = useMemo(
    () =>
      graph === undefined
        ? identityRows(0)
        : collapse
          ? collapseChains(graph)
          : identityRows(graph.layout.size),
    // The graph is mutable: its structure version says when rows were added.
    [graph, collapse, structureVersion, collapse ? graphVersion : 0],
  );

  const options = useMemo(
    () => ({ selectedEventId, cursorEventId, showAuthEdges }),
    [selectedEventId, cursorEventId, showAuthEdges],
  );

  const fitted = useRef<string | null>(null);
  useEffect(() => {
    if (graph === undefined || fitted.current === graph.roomId) return;
    fitted.current = graph.roomId;
    // Big rooms are unreadable fitted whole: start small ones fitted, big ones at the top
    // (a selected event, e.g. J, is centred by the focus request instead).
    if (graph.layout.size <= 400) canvas.current?.fit();
    else canvas.current?.showTop();
  }, [graph]);

  useEffect(() => {
    if (focus !== null) canvas.current?.centreOn(focus.eventId);
  }, [focus]);

  if (roomId === null) {
    return <p className="placeholder">Choose a room, join one, or import an NDJSON file.</p>;
  }
  if (graph === undefined) {
    return <p className="placeholder">{loading ? 'Loading events…' : 'No events loaded.'}</p>;
  }

  const jump = (eventId: string | null | undefined): void => {
    if (!eventId) return;
    if (graph.get(eventId) === undefined) {
      store.getState().setNotice(`${eventId} is not in this room's loaded events`);
      return;
    }
    store.getState().selectEvent(eventId, { focus: true });
  };

  return (
    <section className="dag" aria-label="Room DAG">
      <div className="toolbar" role="toolbar" aria-label="DAG view">
        <button type="button" onClick={() => canvas.current?.fit()}>
          Fit
        </button>
        <button type="button" disabled={!room?.joinEventId} onClick={() => jump(room?.joinEventId)}>
          Jump to J
        </button>
        <button type="button" disabled={cursorEventId === null} onClick={() => jump(cursorEventId)}>
          Jump to cursor
        </button>
        <form
          className="jump"
          onSubmit={(event) => {
            event.preventDefault();
            jump(jumpTo.trim());
          }}
        >
          <label htmlFor="jump-event-id" className="visually-hidden">
            Event ID
          </label>
          <input
            id="jump-event-id"
            placeholder="$event ID"
            value={jumpTo}
            onChange={(event) => setJumpTo(event.target.value)}
          />
          <button type="submit">Jump to event</button>
        </form>
        <label>
          <input
            type="checkbox"
            checked={showAuthEdges}
            onChange={(event) => store.getState().setShowAuthEdges(event.target.checked)}
          />
          Auth edges
        </label>
        <label>
          <input
            type="checkbox"
            checked={showOutliers}
            onChange={(event) => store.getState().setShowOutliers(event.target.checked)}
          />
          Outliers
        </label>
        <label>
          <input
            type="checkbox"
            checked={collapse}
            onChange={(event) => store.getState().setCollapseChains(event.target.checked)}
          />
          Collapse chains
        </label>
        <button
          type="button"
          disabled={exporting !== null}
          onClick={() => {
            setExporting('0%');
            store
              .getState()
              .exportRoom(roomId, (done, total) =>
                setExporting(`${Math.floor((100 * done) / Math.max(1, total))}%`),
              )
              .then(
                (text) => download(`${roomId.replace(/[^A-Za-z0-9._-]+/g, '_')}.ndjson`, text),
                (error: unknown) => store.getState().setNotice(String(error)),
              )
              .finally(() => setExporting(null));
          }}
        >
          {exporting === null ? 'Export DAG' : `Exporting ${exporting}`}
        </button>
      </div>
      <ul className="legend" aria-label="Legend">
        <li>
          <span className="swatch swatch-full" />
          fully stated
        </li>
        <li>
          <span className="swatch swatch-partial" />
          partial state
        </li>
        <li>
          <span className="swatch swatch-rejected" />
          rejected
        </li>
        <li>
          <span className="swatch swatch-soft-failed" />
          soft-failed
        </li>
        <li>
          <span className="swatch swatch-outlier" />
          outlier
        </li>
        <li>
          <span className="swatch swatch-join" />J (join)
        </li>
        <li>
          <span className="swatch swatch-reset" />
          state reset
        </li>
        <li>■ state · ● message</li>
      </ul>
      <p className="dag-counts">
        {/* Read by people and by the e2e tests: the canvas itself has no text to query. */}
        <output aria-label="Events in the DAG">{graph.layout.size}</output> events
      </p>
      <div className="dag-body">
        <DagCanvas
          ref={canvas}
          graph={graph}
          rows={rows}
          version={graphVersion}
          theme={theme}
          options={options}
          onSelect={(eventId) => store.getState().selectEvent(eventId)}
        />
        <div className="dag-side">
          <div className="stepper">
            <button type="button" onClick={() => store.getState().stepSelection(-1)}>
              Previous event
            </button>
            <span aria-live="polite">
              {selectedEventId === null
                ? `${graph.layout.size} events`
                : `${(graph.layout.rowOf(selectedEventId) ?? -1) + 1} / ${graph.layout.size}`}
            </span>
            <button type="button" onClick={() => store.getState().stepSelection(1)}>
              Next event
            </button>
          </div>
          <EventList
            graph={graph}
            version={graphVersion}
            selectedEventId={selectedEventId}
            onSelect={(eventId) => store.getState().selectEvent(eventId, { focus: true })}
            onStep={(delta) => store.getState().stepSelection(delta)}
          />
        </div>
      </div>
    </section>
  );
}
