/**
 * Every state reset the resync recorded for the selected room, newest first: its kind, the state
 * keys that changed (old → new event), how many keys the partial state had omitted. Clicking one
 * focuses the DAG and the inspector on its event.
 */
import { shortId, formatTime } from '../format';
import { useAdmin, useAdminStore } from '../state/store-context';

const KIND_LABEL = {
  verdict_flip: 'verdict flipped',
  state_changed: 'state before changed',
  current_state_changed: 'current state changed',
} as const;

export function ResetTimeline() {
  const store = useAdminStore();
  const resets = useAdmin((s) =>
    s.selectedRoomId === null ? undefined : s.resets[s.selectedRoomId],
  );
  const selectedEventId = useAdmin((s) => s.selectedEventId);
  return (
    <section className="resets" aria-labelledby="resets-title">
      <h2 id="resets-title">State resets {resets ? `(${resets.length})` : ''}</h2>
      {!resets || resets.length === 0 ? (
        <p className="muted">No state resets recorded.</p>
      ) : (
        <ol className="reset-list" aria-label="State resets, newest first">
          {resets.map((reset) => (
            <li key={reset.resetId}>
              <button
                type="button"
                className="reset-item"
                aria-current={
                  reset.eventId !== null && reset.eventId === selectedEventId ? 'true' : undefined
                }
                aria-label={`State reset ${reset.resetId}: ${KIND_LABEL[reset.kind]}${reset.eventId ? ` at ${reset.eventId}` : ''}`}
                disabled={reset.eventId === null}
                onClick={() =>
                  reset.eventId && store.getState().selectEvent(reset.eventId, { focus: true })
                }
              >
                <span className={`badge reset-${reset.kind}`}>{KIND_LABEL[reset.kind]}</span>
                <span className="muted">{formatTime(reset.createdTs)}</span>{' '}
                {reset.eventId && <span title={reset.eventId}>{shortId(reset.eventId, 16)}</span>}
              </button>
              {reset.rule && (
                <p className="reset-rule">
                  {reset.oldVerdict ?? '?'} → {reset.newVerdict ?? '?'}: {reset.rule} —{' '}
                  {reset.reason}
                </p>
              )}
              <ul className="reset-changes">
                {reset.changes.map((change) => (
                  <li key={`${change.type}\u0000${change.stateKey}`}>
                    <code>
                      {change.type} {change.stateKey === '' ? '""' : change.stateKey}
                    </code>
                    :{' '}
                    <span title={change.oldEventId ?? ''}>
                      {change.oldEventId ? shortId(change.oldEventId) : '∅'}
                    </span>{' '}
                    →{' '}
                    <span title={change.newEventId ?? ''}>
                      {change.newEventId ? shortId(change.newEventId) : '∅'}
                    </span>
                  </li>
                ))}
                {reset.omittedKeysAdded > 0 && (
                  <li className="muted">
                    +{reset.omittedKeysAdded} keys the partial state had omitted
                  </li>
                )}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
