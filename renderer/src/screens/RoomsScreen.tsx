/**
 * Every room the server is in (version, members, "Partial" badge, live resync progress) plus the
 * offline rooms opened from NDJSON files; "Join a room" starts a partial join.
 */
import { useRef, useState } from 'react';
import { JoinRoomDialog } from '../components/JoinRoomDialog';
import { TryDemoButton } from '../components/TryDemoButton';
import { useAdmin, useAdminStore } from '../state/store-context';

export function RoomsScreen() {
  const store = useAdminStore();
  const rooms = useAdmin((s) => s.rooms);
  const resync = useAdmin((s) => s.resync);
  const offlineRooms = useAdmin((s) => s.offlineRooms);
  const selected = useAdmin((s) => s.selectedRoomId);
  const [joining, setJoining] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const select = (roomId: string): void => {
    store.getState().selectEvent(null);
    void store.getState().openRoom(roomId);
  };

  return (
    <section aria-labelledby="rooms-title" className="rooms">
      <div className="panel-title">
        <h2 id="rooms-title">Rooms</h2>
        <button type="button" onClick={() => setJoining(true)}>
          Join a room
        </button>
        <TryDemoButton />
      </div>
      <ul className="room-list" aria-label="Rooms">
        {Object.values(rooms).map((room) => {
          const progress = resync[room.roomId] ?? room.resync;
          const label = room.name ?? room.canonicalAlias ?? room.roomId;
          return (
            <li key={room.roomId}>
              <button
                type="button"
                className="room-item"
                aria-current={selected === room.roomId ? 'true' : undefined}
                aria-label={`Open room ${label}`}
                onClick={() => select(room.roomId)}
              >
                <span className="room-name" title={room.roomId}>
                  {label}
                </span>
                <span className="room-meta">
                  v{room.roomVersion} · {room.joinedMembers} members
                  {room.partial && <span className="badge badge-partial">Partial</span>}
                </span>
              </button>
              {progress && (
                <progress
                  className="room-progress"
                  aria-label={`Resync progress of ${label}`}
                  max={Math.max(1, progress.eventsTotal)}
                  value={progress.eventsDone}
                />
              )}
            </li>
          );
        })}
        {Object.entries(offlineRooms).map(([key, room]) => (
          <li key={key}>
            <button
              type="button"
              className="room-item"
              aria-current={selected === key ? 'true' : undefined}
              aria-label={`Open offline room ${room.source}`}
              onClick={() => select(key)}
            >
              <span className="room-name" title={room.roomId}>
                {room.source}
              </span>
              <span className="room-meta">
                v{room.roomVersion} · {room.events.length} events
                <span className="badge badge-offline">Offline</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      <div className="import">
        <label htmlFor="import-ndjson" className="button-like">
          Import NDJSON file
        </label>
        <input
          id="import-ndjson"
          ref={fileInput}
          className="visually-hidden"
          type="file"
          accept=".ndjson,.jsonl,.json,.txt,application/x-ndjson"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (!file) return;
            file.text().then(
              (text) => {
                try {
                  const room = store.getState().importNdjson(text, file.name);
                  if (room.problems.length > 0) {
                    store
                      .getState()
                      .setNotice(
                        `${file.name}: ${room.problems.length} line(s) skipped — ${room.problems[0]}`,
                      );
                  }
                } catch (error) {
                  store
                    .getState()
                    .setNotice(error instanceof Error ? error.message : String(error));
                }
                if (fileInput.current) fileInput.current.value = '';
              },
              (error: unknown) => store.getState().setNotice(String(error)),
            );
          }}
        />
      </div>
      {joining && (
        <JoinRoomDialog
          onClose={() => setJoining(false)}
          onJoin={async (room, via) => {
            const roomId = await store.getState().joinRoom({ room, via });
            select(roomId);
          }}
        />
      )}
    </section>
  );
}
