/**
 * Wakes waiting /sync long-polls when something they may care about advances. A waiter is
 * registered for one user and the rooms that user is joined to; producers say which users
 * and/or rooms changed. Waking is a hint, not a promise of news: the woken sync recomputes and
 * goes back to waiting if nothing visible changed (e.g. a filtered-out event).
 *
 * Waits are bounded (the caller's timeout, capped by the handler), use one timer each and no
 * polling. `stop()` resolves every waiter and makes later waits return at once, so the HTTP
 * server can close without hanging on long-polls.
 */

export type WakeReason = 'notified' | 'timeout' | 'aborted' | 'stopped';

interface Waiter {
  readonly userId: string;
  readonly rooms: readonly string[];
  wake(reason: WakeReason): void;
}

export interface Notification {
  readonly userIds?: Iterable<string>;
  readonly roomIds?: Iterable<string>;
}

export class SyncNotifier {
  private readonly byUser = new Map<string, Set<Waiter>>();
  private readonly byRoom = new Map<string, Set<Waiter>>();
  private stopped = false;

  constructor(
    /** Writes the un-partial-stated log row at a fresh stream position. */
    private readonly recordUnPartialStated: (roomId: string) => void,
  ) {}

  /**
   * Faster joins: call once the room's partial_state_rooms row is gone. Records the transition
   * (so an eager incremental sync whose window holds it sends the room as newly joined, with
   * full state) and wakes the room's long-polls.
   */
  notifyRoomUnPartialStated(roomId: string): void {
    this.recordUnPartialStated(roomId);
    this.notify({ roomIds: [roomId] });
  }

  get waiting(): number {
    let count = 0;
    for (const set of this.byUser.values()) count += set.size;
    return count;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Resolves when a notification reaches this user or one of `rooms`, or after `timeoutMs`. */
  wait(
    userId: string,
    rooms: readonly string[],
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<WakeReason> {
    if (this.stopped) return Promise.resolve('stopped');
    if (signal?.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      let done = false;
      const onAbort = (): void => waiter.wake('aborted');
      const timer = setTimeout(() => waiter.wake('timeout'), Math.max(0, timeoutMs));
      const waiter: Waiter = {
        userId,
        rooms,
        wake: (reason) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          this.remove(waiter);
          resolve(reason);
        },
      };
      signal?.addEventListener('abort', onAbort);
      this.add(waiter);
    });
  }

  notify(notification: Notification): void {
    const woken = new Set<Waiter>();
    for (const userId of notification.userIds ?? []) {
      for (const waiter of this.byUser.get(userId) ?? []) woken.add(waiter);
    }
    for (const roomId of notification.roomIds ?? []) {
      for (const waiter of this.byRoom.get(roomId) ?? []) woken.add(waiter);
    }
    for (const waiter of woken) waiter.wake('notified');
  }

  /** Resolves every waiter; later waits return immediately. Idempotent. */
  stop(): void {
    this.stopped = true;
    const all = new Set<Waiter>();
    for (const set of this.byUser.values()) for (const waiter of set) all.add(waiter);
    for (const waiter of all) waiter.wake('stopped');
  }

  private add(waiter: Waiter): void {
    addTo(this.byUser, waiter.userId, waiter);
    for (const room of waiter.rooms) addTo(this.byRoom, room, waiter);
  }

  private remove(waiter: Waiter): void {
    removeFrom(this.byUser, waiter.userId, waiter);
    for (const room of waiter.rooms) removeFrom(this.byRoom, room, waiter);
  }
}

function addTo(index: Map<string, Set<Waiter>>, key: string, waiter: Waiter): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(waiter);
}

function removeFrom(index: Map<string, Set<Waiter>>, key: string, waiter: Waiter): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(waiter);
  if (set.size === 0) index.delete(key);
}
