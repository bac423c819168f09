/** "Pause all resyncs" from the menu: every resync that is working or waiting to retry stops. */
import type { AdminApi, ResyncProgress } from '../src-core/admin-api/admin-api-types';

export async function pauseAllResyncs(admin: AdminApi): Promise<ResyncProgress[]> {
  const rooms = await admin.listRooms();
  const active = rooms.filter(
    (room) =>
      room.resync !== null && (room.resync.phase === 'running' || room.resync.phase === 'backoff'),
  );
  return Promise.all(active.map((room) => admin.pauseResync(room.roomId)));
}
