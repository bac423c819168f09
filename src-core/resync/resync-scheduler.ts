/**
 * Owns one background resync per partial-stated room: starts it when a partial join lands,
 * resumes every one after a restart (paused ones stay paused), routes controls to it, and lets
 * callers wait for a room to become fully stated (`/members` and friends block on this).
 */
import type { ResyncProgress, StateReset } from '../admin-api/admin-api-types';
import type { StateFetcher } from '../federation-events/state-fetcher';
import type { Logger } from '../logging/logger';
import type { RoomServices } from '../rooms/room-services';
import type { ResyncStore } from '../storage/resync-store';
import type { Clock } from '../util/clock';
import type { RoomResyncListeners } from './room-resync';
import { RoomResync } from './room-resync';

export interface ResyncObserver {
  progress?(progress: ResyncProgress): void;
  eventUnPartialStated?(roomId: string, eventId: string): void;
  stateReset?(reset: StateReset): void;
  completed?(roomId: string): void;
}

export class ResyncScheduler {
  private readonly resyncs = new Map<string, RoomResync>();
  private readonly observers: ResyncObserver[] = [];
  private readonly fullStateWaiters = new Map<string, (() => void)[]>();
  /** Runs inside the completing transaction (the /sync un-partial record). */
  private completingHook: ((roomId: string) => void) | undefined;
  private stopped = false;
  private revision = 0;
  private readonly log: Logger;

  constructor(
    private readonly deps: {
      serverName: string;
      rooms: RoomServices;
      store: ResyncStore;
      stateFetcher: StateFetcher;
      clock: Clock;
      logger: Logger;
    },
  ) {
    this.log = deps.logger.child({ component: 'resync-scheduler' });
    // A membership change of one of our users may end or re-enable a resync's wait ('left').
    deps.rooms.persister.onPersisted((persisted) => {
      for (const { event } of persisted) {
        if (event.type === 'm.room.member') this.resyncs.get(event.roomId)?.nudge();
      }
    });
  }

  observe(observer: ResyncObserver): () => void {
    this.observers.push(observer);
    return () => {
      const index = this.observers.indexOf(observer);
      if (index >= 0) this.observers.splice(index, 1);
    };
  }

  onCompleting(hook: (roomId: string) => void): void {
    this.completingHook = hook;
  }

  private readonly listeners: RoomResyncListeners = {
    progress: (progress) => this.observers.forEach((o) => o.progress?.(progress)),
    eventUnPartialStated: (roomId, eventId) =>
      this.observers.forEach((o) => o.eventUnPartialStated?.(roomId, eventId)),
    stateReset: (reset) => this.observers.forEach((o) => o.stateReset?.(reset)),
    completingInTransaction: (roomId) => this.completingHook?.(roomId),
    completed: (roomId) => {
      for (const wake of this.fullStateWaiters.get(roomId) ?? []) wake();
      this.fullStateWaiters.delete(roomId);
      this.observers.forEach((o) => o.completed?.(roomId));
    },
  };

  /** Resumes every partial room's resync (after a restart). */
  resumeAll(): void {
    for (const room of this.deps.rooms.partialState.listRooms()) this.ensure(room.roomId);
  }

  /**
   * Starts the room's resync if it is partial and none runs yet; `paused` makes a new one wait
   * at its first event for a person to step or resume it.
   */
  ensure(roomId: string, options: { paused?: boolean } = {}): RoomResync | undefined {
    if (this.stopped) return undefined;
    const existing = this.resyncs.get(roomId);
    if (existing) return existing;
    if (!this.deps.rooms.partialState.isPartialRoom(roomId)) return undefined;
    if (options.paused) {
      this.deps.store.setControl(roomId, { ...this.deps.store.control(roomId), paused: true });
    }
    const resync = new RoomResync(roomId, {
      ...this.deps,
      listeners: this.listeners,
      nextRevision: () => ++this.revision,
    });
    this.resyncs.set(roomId, resync);
    this.log.info('starting resync', { room_id: roomId });
    resync.start();
    return resync;
  }

  get(roomId: string): RoomResync | undefined {
    return this.resyncs.get(roomId);
  }

  progress(roomId: string): ResyncProgress | null {
    return this.resyncs.get(roomId)?.progress() ?? null;
  }

  /** Resolves once the room is fully stated (immediately if it is not partial). */
  awaitFullState(roomId: string, signal?: AbortSignal): Promise<void> {
    if (!this.deps.rooms.partialState.isPartialRoom(roomId)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiters = this.fullStateWaiters.get(roomId) ?? [];
      waiters.push(resolve);
      this.fullStateWaiters.set(roomId, waiters);
      // A client that gave up must not stay queued until the room completes.
      signal?.addEventListener(
        'abort',
        () => {
          const remaining = (this.fullStateWaiters.get(roomId) ?? []).filter((w) => w !== resolve);
          if (remaining.length > 0) this.fullStateWaiters.set(roomId, remaining);
          else this.fullStateWaiters.delete(roomId);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Stops every resync at its next safe point; waiters are released so requests can finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.resyncs.values()].map((r) => r.stop()));
    for (const waiters of this.fullStateWaiters.values()) for (const wake of waiters) wake();
    this.fullStateWaiters.clear();
  }
}
