/**
 * The selected event: who sent it, its prev and auth events (click to follow), the auth verdict
 * with rule and reason, state resets recorded on it, the state before it (partial vs full), and
 * the PDU as pretty JSON with a copy button.
 */
import { useEffect, useState } from 'react';
import type { EventDetail } from '../../../src-core/admin-api/admin-api-types';
import { StateDiff } from '../components/StateDiff';
import { formatTime, shortId } from '../format';
import { useAdmin, useAdminStore } from '../state/store-context';

export function InspectorPanel() {
  const store = useAdminStore();
  const roomId = useAdmin((s) => s.selectedRoomId);
  const eventId = useAdmin((s) => s.selectedEventId);
  // The summary object changes identity when the stream updates the event: refetch then.
  const summary = useAdmin((s) =>
    s.selectedRoomId === null || s.selectedEventId === null
      ? undefined
      : s.graphs[s.selectedRoomId]?.get(s.selectedEventId),
  );
  const [detail, setDetail] = useState<EventDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    setCopied(false);
    if (roomId === null || eventId === null) {
      setDetail(null);
      return;
    }
    let current = true;
    setError(null);
    store
      .getState()
      .eventDetail(roomId, eventId)
      .then(
        (loaded) => current && setDetail(loaded),
        (failure: unknown) =>
          current && setError(failure instanceof Error ? failure.message : String(failure)),
      );
    return () => {
      current = false;
    };
  }, [store, roomId, eventId, summary]);

  const select = (id: string): void => store.getState().selectEvent(id, { focus: true });

  if (eventId === null) {
    return (
      <section aria-label="Event inspector" className="inspector">
        <h2>Event</h2>
        <p className="placeholder">Select an event in the DAG or the list.</p>
      </section>
    );
  }
  const event = detail?.summary.eventId === eventId ? detail.summary : summary;
  const links = (ids: readonly string[]) => (
    <ul className="id-list">
      {ids.map((id) => (
        <li key={id}>
          <button type="button" className="link" title={id} onClick={() => select(id)}>
            {shortId(id, 24)}
          </button>
        </li>
      ))}
      {ids.length === 0 && <li className="muted">none</li>}
    </ul>
  );

  return (
    <section aria-label="Event inspector" className="inspector">
      <h2 title={eventId}>Event {shortId(eventId, 20)}</h2>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {event && (
        <>
          <dl className="facts">
            <dt>Type</dt>
            <dd>
              {event.type}
              {event.stateKey !== null && ` (state key "${event.stateKey}")`}
            </dd>
            <dt>Sender</dt>
            <dd>{event.sender}</dd>
            <dt>Depth</dt>
            <dd>{event.depth}</dd>
            <dt>Sent</dt>
            <dd>{formatTime(event.originServerTs)}</dd>
            <dt>Verdict</dt>
            <dd>
              {event.rejected ? (
                <span className="verdict-rejected">
                  Rejected by {event.rejected.rule}: {event.rejected.reason}
                </span>
              ) : (
                <span className="verdict-accepted">Accepted</span>
              )}
              {event.softFailed && <span className="badge">soft-failed</span>}
              {event.outlier && <span className="badge">outlier</span>}
              {event.partialState && <span className="badge badge-partial">partial state</span>}
              {event.isPartialJoinEvent && <span className="badge badge-join">J</span>}
            </dd>
            <dt>Prev events</dt>
            <dd>{links(event.prevEventIds)}</dd>
            <dt>Auth events</dt>
            <dd>{links(event.authEventIds)}</dd>
          </dl>
          {detail && detail.resets.length > 0 && (
            <>
              <h3>State resets here</h3>
              <ul>
                {detail.resets.map((reset) => (
                  <li key={reset.resetId}>
                    {reset.kind}
                    {reset.rule && ` — ${reset.rule}: ${reset.reason ?? ''}`}
                    {reset.oldVerdict !== reset.newVerdict &&
                      ` (${reset.oldVerdict ?? '?'} → ${reset.newVerdict ?? '?'})`}
                  </li>
                ))}
              </ul>
            </>
          )}
          {detail && (detail.stateBefore !== null || detail.partialStateBefore !== null) && (
            <>
              <h3>State before</h3>
              <StateDiff
                partial={
                  detail.partialStateBefore ?? (event.partialState ? detail.stateBefore : null)
                }
                full={event.partialState ? null : detail.stateBefore}
                partialLabel="Partial state"
                fullLabel="Full state"
                onSelect={select}
              />
            </>
          )}
          {detail && (
            <>
              <div className="panel-title">
                <h3>PDU</h3>
                <button
                  type="button"
                  onClick={() => {
                    void navigator.clipboard
                      .writeText(JSON.stringify(detail.pdu, null, 2))
                      .then(() => setCopied(true));
                  }}
                >
                  {copied ? 'Copied' : 'Copy JSON'}
                </button>
              </div>
              <pre className="json" aria-label="Event JSON">
                {JSON.stringify(detail.pdu, null, 2)}
              </pre>
            </>
          )}
        </>
      )}
    </section>
  );
}
