/**
 * The resync of the selected room: pause, resume, step (1 or N events), throttle, and what it is
 * doing (progress, bytes, requests, destination, errors and backoff, ETA). "Pause resync",
 * "Resume resync" and "Step" are always rendered — disabled when they do not apply, also after
 * the resync finished — so people and the e2e tests always find them in the same place.
 * Keyboard: space pauses/resumes, → steps (not while typing in a field).
 */
import { useEffect, useRef, useState } from 'react';
import type { ResyncProgress } from '../../../src-core/admin-api/admin-api-types';
import { formatBytes, formatDuration, formatTime, shortId } from '../format';
import { useAdmin, useAdminStore } from '../state/store-context';

/** Slider stops in events per second; the last stop is "unlimited" (null). */
export const THROTTLE_STOPS: readonly (number | null)[] = [
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  200,
  500,
  1000,
  null,
];

function stopIndex(eventsPerSecond: number | null): number {
  if (eventsPerSecond === null) return THROTTLE_STOPS.length - 1;
  let best = 0;
  THROTTLE_STOPS.forEach((stop, index) => {
    if (
      stop !== null &&
      Math.abs(stop - eventsPerSecond) < Math.abs((THROTTLE_STOPS[best] ?? 0) - eventsPerSecond)
    )
      best = index;
  });
  return best;
}

function throttleText(value: number | null): string {
  return value === null ? 'unlimited' : `${value} events/s`;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

export function ResyncPanel() {
  const store = useAdminStore();
  const roomId = useAdmin((s) => s.selectedRoomId);
  const progress = useAdmin((s): ResyncProgress | undefined =>
    s.selectedRoomId === null
      ? undefined
      : (s.resync[s.selectedRoomId] ?? s.rooms[s.selectedRoomId]?.resync ?? undefined),
  );
  const offline = useAdmin((s) =>
    s.selectedRoomId === null ? false : s.offlineRooms[s.selectedRoomId] !== undefined,
  );
  const [stepCount, setStepCount] = useState(1);
  const [throttle, setThrottle] = useState<number>(THROTTLE_STOPS.length - 1);
  const [now, setNow] = useState(() => Date.now());
  const throttleTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const phase = progress?.phase;
  const canPause = phase === 'running' || phase === 'backoff';
  const canResume = phase === 'paused';
  const canStep = phase === 'paused';

  useEffect(() => {
    if (progress) setThrottle(stopIndex(progress.throttleEventsPerSecond));
  }, [progress?.throttleEventsPerSecond, progress]);

  useEffect(() => {
    if (phase !== 'backoff' && phase !== 'running') return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [phase]);

  const latest = useRef({ roomId, canPause, canResume, canStep, stepCount });
  latest.current = { roomId, canPause, canResume, canStep, stepCount };

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      const {
        roomId: room,
        canPause: pause,
        canResume: resume,
        canStep: step,
        stepCount: n,
      } = latest.current;
      if (room === null) return;
      if (event.key === ' ') {
        // A focused button handles its own space press (it clicks itself).
        if (event.target instanceof HTMLButtonElement) return;
        if (pause) void store.getState().pauseResync(room);
        else if (resume) void store.getState().resumeResync(room);
        else return;
        event.preventDefault();
      } else if (event.key === 'ArrowRight' && step) {
        void store.getState().stepResync(room, n);
        event.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  const room = roomId ?? '';
  const disabled = roomId === null || progress === undefined;
  const percent =
    progress && progress.eventsTotal > 0
      ? Math.floor((100 * progress.eventsDone) / progress.eventsTotal)
      : progress?.phase === 'complete'
        ? 100
        : 0;

  return (
    <section className="resync" aria-labelledby="resync-title">
      <h2 id="resync-title">Resync</h2>
      <div className="resync-controls">
        <button
          type="button"
          disabled={disabled || !canPause}
          onClick={() => void store.getState().pauseResync(room)}
        >
          Pause resync
        </button>
        <button
          type="button"
          disabled={disabled || !canResume}
          onClick={() => void store.getState().resumeResync(room)}
        >
          Resume resync
        </button>
        <button
          type="button"
          aria-keyshortcuts="ArrowRight"
          disabled={disabled || !canStep}
          onClick={() => void store.getState().stepResync(room, stepCount)}
        >
          Step
        </button>
        <label>
          Events per step
          <input
            type="number"
            min={1}
            max={1_000_000}
            value={stepCount}
            onChange={(event) =>
              setStepCount(Math.max(1, Math.floor(Number(event.target.value) || 1)))
            }
          />
        </label>
        <label className="throttle">
          Throttle (events per second)
          <input
            type="range"
            min={0}
            max={THROTTLE_STOPS.length - 1}
            step={1}
            value={throttle}
            disabled={disabled || phase === 'complete'}
            aria-valuetext={throttleText(THROTTLE_STOPS[throttle] ?? null)}
            onChange={(event) => {
              const index = Number(event.target.value);
              setThrottle(index);
              if (throttleTimer.current !== null) clearTimeout(throttleTimer.current);
              // Sliding sends one request when the hand stops, not one per stop passed.
              throttleTimer.current = setTimeout(
                () => void store.getState().setResyncThrottle(room, THROTTLE_STOPS[index] ?? null),
                250,
              );
            }}
          />
          <output>{throttleText(THROTTLE_STOPS[throttle] ?? null)}</output>
        </label>
      </div>
      {progress === undefined ? (
        <p className="muted">
          {roomId === null
            ? 'No room selected.'
            : offline
              ? 'An offline room (from a file) has no resync.'
              : 'This room has no resync (it was joined fully).'}
        </p>
      ) : (
        <>
          <div className="resync-progress">
            <progress
              aria-label="Resync progress"
              max={Math.max(1, progress.eventsTotal)}
              value={progress.eventsDone}
            />
            <span>
              {progress.eventsDone} / {progress.eventsTotal} events ({percent}%) ·{' '}
              <strong>{progress.phase}</strong>
            </span>
          </div>
          <dl className="facts resync-facts">
            <dt>Bytes</dt>
            <dd>{formatBytes(progress.bytes)}</dd>
            <dt>Requests</dt>
            <dd>{progress.requests}</dd>
            <dt>Destination</dt>
            <dd>{progress.currentDestination ?? '—'}</dd>
            <dt>Cursor</dt>
            <dd title={progress.cursorEventId ?? ''}>
              {progress.cursorEventId ? shortId(progress.cursorEventId, 20) : '—'}
            </dd>
            <dt>ETA</dt>
            <dd>{progress.etaMs === null ? '—' : formatDuration(progress.etaMs)}</dd>
            <dt>Steps left</dt>
            <dd>{progress.stepsRemaining}</dd>
            <dt>Last error</dt>
            <dd className={progress.lastError ? 'error' : ''}>{progress.lastError ?? 'none'}</dd>
            <dt>Backoff</dt>
            <dd>
              {progress.retryAtTs === null
                ? '—'
                : `retry at ${formatTime(progress.retryAtTs)} (in ${formatDuration(progress.retryAtTs - now)}), ${progress.failedRounds} failed round(s)`}
            </dd>
            <dt>Resets</dt>
            <dd>{progress.resets}</dd>
          </dl>
        </>
      )}
    </section>
  );
}
