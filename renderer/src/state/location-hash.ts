/**
 * The open room and selected event live in the URL fragment (`#room=…&event=…`), so a view can be
 * bookmarked, reloaded or linked from a test; the fragment never reaches the server.
 */
import type { AdminStore } from './admin-store';

export function readLocationHash(hash: string): { roomId: string | null; eventId: string | null } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return { roomId: params.get('room'), eventId: params.get('event') };
}

export function writeLocationHash(roomId: string | null, eventId: string | null): string {
  const params = new URLSearchParams();
  if (roomId !== null) params.set('room', roomId);
  if (roomId !== null && eventId !== null) params.set('event', eventId);
  const text = params.toString();
  return text === '' ? '' : `#${text}`;
}

/** Opens what the fragment names once connected, then keeps the fragment in step. */
export function syncLocationHash(store: AdminStore): () => void {
  let restored = false;
  return store.subscribe((state, previous) => {
    if (!restored && state.serverInfo !== null) {
      restored = true;
      const { roomId, eventId } = readLocationHash(window.location.hash);
      if (roomId !== null && state.rooms[roomId] !== undefined) {
        if (eventId !== null) state.selectEvent(eventId, { focus: true });
        void state.openRoom(roomId);
      }
      return;
    }
    if (
      state.selectedRoomId === previous.selectedRoomId &&
      state.selectedEventId === previous.selectedEventId
    ) {
      return;
    }
    if (state.selectedRoomId !== null && state.offlineRooms[state.selectedRoomId] !== undefined)
      return;
    const hash = writeLocationHash(state.selectedRoomId, state.selectedEventId);
    if (hash !== window.location.hash) {
      window.history.replaceState(
        window.history.state,
        '',
        `${window.location.pathname}${window.location.search}${hash}`,
      );
    }
  });
}
