/**
 * Presence (spec: client-server "Presence"): the newest state of each user, local or remote,
 * stored at a shared stream position and sent in /sync's top-level `presence.events` to the
 * local users who share a room with its owner (room-sharing.ts, which counts partial rooms'
 * `servers_in_room`).
 *
 * Only explicit changes are recorded: there is no idle timer turning users `unavailable`, so no
 * presence EDU ever leaves without a client asking for it. Local changes are announced to
 * listeners (federation sends `m.presence` EDUs from there).
 */
import type { JsonObject } from '../rules/json';
import type { RoomServices } from '../rooms/room-services';
import type { Database } from '../storage/database';
import type { PresenceState, PresenceStore, StoredPresence } from '../storage/presence-store';
import type { StreamCounter } from '../storage/stream-counter';
import type { SyncStore } from '../storage/sync-store';
import type { Clock } from '../util/clock';
import type { SyncNotifier } from './notifier';
import { mayShareRoomWith, roomsToWakeFor } from './room-sharing';
import type { EventFilter } from './sync-filter';
import { eventAllowed } from './sync-filter';

export const PRESENCE_STATES: ReadonlySet<string> = new Set(['online', 'unavailable', 'offline']);

export function isPresenceState(value: unknown): value is PresenceState {
  return typeof value === 'string' && PRESENCE_STATES.has(value);
}

export interface RemotePresence {
  userId: string;
  presence: PresenceState;
  statusMsg: string | null;
  lastActiveAgo: number;
  currentlyActive: boolean;
}

export type PresenceListener = (presence: StoredPresence) => void;

export class PresenceService {
  private readonly localListeners = new Set<PresenceListener>();

  constructor(
    private readonly deps: {
      db: Database;
      store: PresenceStore;
      syncStore: SyncStore;
      rooms: RoomServices;
      stream: StreamCounter;
      notifier: SyncNotifier;
      clock: Clock;
    },
  ) {}

  /** Listeners hear local users' presence changes (for outbound `m.presence` EDUs). */
  onLocalPresence(listener: PresenceListener): () => void {
    this.localListeners.add(listener);
    return () => this.localListeners.delete(listener);
  }

  get(userId: string): StoredPresence | undefined {
    return this.deps.store.get(userId);
  }

  /**
   * A local user set their presence. `statusMsg` undefined keeps the previous message. Returns
   * what was stored, or undefined when nothing changed (so nothing is announced).
   */
  setLocal(
    userId: string,
    presence: PresenceState,
    statusMsg: string | null | undefined,
  ): StoredPresence | undefined {
    const previous = this.deps.store.get(userId);
    const message = statusMsg === undefined ? (previous?.statusMsg ?? null) : statusMsg;
    if (previous && previous.presence === presence && previous.statusMsg === message) {
      return undefined;
    }
    const now = this.deps.clock.now();
    const stored = this.write({
      userId,
      presence,
      statusMsg: message,
      lastActiveTs: presence === 'online' ? now : (previous?.lastActiveTs ?? now),
      currentlyActive: presence === 'online',
    });
    for (const listener of this.localListeners) listener(stored);
    return stored;
  }

  /** One entry of an `m.presence` EDU (the caller checked the origin owns the user). */
  setRemote(entry: RemotePresence): StoredPresence {
    return this.write({
      userId: entry.userId,
      presence: entry.presence,
      statusMsg: entry.statusMsg,
      lastActiveTs: this.deps.clock.now() - Math.max(0, entry.lastActiveAgo),
      currentlyActive: entry.currentlyActive,
    });
  }

  /**
   * The `m.presence` events for `viewer`: changes in (since, upTo], or every known presence
   * for an initial sync (`since` undefined), of users who may share a room with the viewer.
   */
  eventsFor(
    viewer: string,
    since: number | undefined,
    upTo: number,
    filter: EventFilter,
  ): JsonObject[] {
    if (!eventAllowed(filter, 'm.presence')) return [];
    const shares = mayShareRoomWith(this.deps.rooms, this.deps.syncStore, viewer);
    const now = this.deps.clock.now();
    const events: JsonObject[] = [];
    for (const row of this.deps.store.changedIn(since ?? 0, upTo)) {
      if (!eventAllowed(filter, 'm.presence', row.userId) || !shares(row.userId)) continue;
      events.push(presenceEvent(row, now));
    }
    return filter.limit === undefined ? events : events.slice(-filter.limit);
  }

  private write(presence: Omit<StoredPresence, 'streamId'>): StoredPresence {
    const stored = this.deps.db.transaction(() => {
      const row = { ...presence, streamId: this.deps.stream.next() };
      this.deps.store.upsert(row);
      return row;
    });
    this.deps.notifier.notify({
      userIds: [presence.userId],
      roomIds: roomsToWakeFor(this.deps.rooms, presence.userId),
    });
    return stored;
  }
}

/** The client format of a presence event (spec: `m.presence`). */
export function presenceEvent(row: StoredPresence, now: number): JsonObject {
  const content: JsonObject = {
    presence: row.presence,
    last_active_ago: Math.max(0, now - row.lastActiveTs),
    currently_active: row.currentlyActive,
  };
  if (row.statusMsg !== null) content['status_msg'] = row.statusMsg;
  return { type: 'm.presence', sender: row.userId, content };
}
