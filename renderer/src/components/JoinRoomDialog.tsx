/** "Join a room": a room ID or alias plus the resident servers to join through (a partial join). */
import { useEffect, useRef, useState } from 'react';

export function JoinRoomDialog(props: {
  onJoin: (room: string, via: string[]) => Promise<void>;
  onClose: () => void;
}) {
  const [room, setRoom] = useState('');
  const [via, setVia] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => first.current?.focus(), []);

  return (
    <div className="dialog-backdrop">
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="join-title"
        onKeyDown={(event) => {
          if (event.key === 'Escape') props.onClose();
        }}
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setBusy(true);
            setError(null);
            const servers = via
              .split(/[\s,]+/)
              .map((s) => s.trim())
              .filter((s) => s !== '');
            props.onJoin(room.trim(), servers).then(
              () => props.onClose(),
              (failure: unknown) => {
                setBusy(false);
                setError(failure instanceof Error ? failure.message : String(failure));
              },
            );
          }}
        >
          <h2 id="join-title">Join a room</h2>
          <label htmlFor="join-room">Room ID or alias</label>
          <input
            id="join-room"
            ref={first}
            required
            placeholder="!room:example.org or #alias:example.org"
            value={room}
            onChange={(event) => setRoom(event.target.value)}
          />
          <label htmlFor="join-via">Via server</label>
          <input
            id="join-via"
            placeholder="example.org (several: separate with spaces)"
            value={via}
            onChange={(event) => setVia(event.target.value)}
          />
          {error !== null && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <div className="dialog-buttons">
            <button type="button" onClick={props.onClose}>
              Cancel
            </button>
            <button type="submit" disabled={busy || room.trim() === ''}>
              {busy ? 'Joining…' : 'Join'}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
