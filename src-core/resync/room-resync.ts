/**
 * The background resync of one partial-stated room (faster-joins design, "Fixing the
 * approximation with a resync"): for each partial-state event whose prev events are fully
 * stated — J first — fetch what we lack of the state before it from a resident, resolve, re-run
 * its auth checks against the full state, store the full state and clear its partial flag,
 * recording every state reset. When none remain, recompute the current state, clear the room's
 * partial rows and tell /sync and anyone waiting.
 *
 * Never gives up (unlike Synapse, synapse#13000): when every resident fails it backs off
 * exponentially and tries again, forever, and says so in its progress. Pause, step and
 * throttle are real: a paused resync makes no request at all.
 */
import type { ResyncPhase, ResyncProgress, StateReset } from '../admin-api/admin-api-types';
import type { AuthCheckDeps } from '../federation-events/event-auth-checks';
import { checkAgainstAuthEvents, checkAgainstState } from '../federation-events/event-auth-checks';
import type { RequestMeter } from '../federation-events/remote-room-api';
import type { StateFetcher } from '../federation-events/state-fetcher';
import { requireCompleteState } from '../federation-events/state-fetcher';
import type { Logger } from '../logging/logger';
import type { AuthVerdict } from '../rules/auth/auth-types';
import type { StateMap } from '../rules/events/state-map';
import { stateKey } from '../rules/events/state-map';
import type { RoomServices } from '../rooms/room-services';
import type {
  NewStateReset,
  ResyncControl,
  ResyncStore,
  StoredResyncProgress,
} from '../storage/resync-store';
import { diffStates } from '../storage/state-store';
import type { Clock } from '../util/clock';
import { DestinationRotation } from './destination-rotation';
import { InterruptibleSleep } from './interruptible-sleep';
import { compareStates, stateChangeReset } from './state-reset-detector';

/** Backoff when every destination failed: 1 s doubling to 5 minutes, then steady. */
export const RESYNC_BACKOFF_START_MS = 1_000;
export const RESYNC_BACKOFF_MAX_MS = 5 * 60_000;

export interface RoomResyncListeners {
  progress(progress: ResyncProgress): void;
  eventUnPartialStated(roomId: string, eventId: string): void;
  stateReset(reset: StateReset): void;
  /** Runs inside the transaction that makes the room fully stated (e.g. the /sync record). */
  completingInTransaction(roomId: string): void;
  completed(roomId: string): void;
}

export interface RoomResyncDeps {
  serverName: string;
  rooms: RoomServices;
  store: ResyncStore;
  stateFetcher: StateFetcher;
  clock: Clock;
  logger: Logger;
  listeners: RoomResyncListeners;
  /** Orders progress snapshots across the server (see ResyncProgress.revision). */
  nextRevision: () => number;
}

export class RoomResync {
  private phase: ResyncPhase = 'running';
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly sleeper = new InterruptibleSleep();
  private stepsRemaining = 0;
  private stored: StoredResyncProgress;
  private readonly meter: RequestMeter;
  private rotation: DestinationRotation;
  private currentDestination: string | null = null;
  private cursorEventId: string | null = null;
  private lastError: string | null = null;
  private retryAtTs: number | null = null;
  private failedRounds = 0;
  private lastEventStartedAt = 0;
  private readonly recentEventMs: number[] = [];
  private readonly log: Logger;

  constructor(
    readonly roomId: string,
    private readonly deps: RoomResyncDeps,
  ) {
    this.log = deps.logger.child({ component: 'resync', room_id: roomId });
    this.stored = deps.store.progress(
      roomId,
      deps.clock.now(),
      deps.rooms.partialState.getRoom(roomId)?.joinEventId ?? null,
    );
    this.meter = { requests: this.stored.requests, bytes: this.stored.bytes };
    this.rotation = this.makeRotation();
  }

  private makeRotation(): DestinationRotation {
    const room = this.deps.rooms.partialState.getRoom(this.roomId);
    return new DestinationRotation(
      room?.joinedVia ?? null,
      this.deps.rooms.partialState.serversInRoom(this.roomId),
      this.deps.serverName,
    );
  }

  private get authDeps(): AuthCheckDeps {
    return {
      getEvent: this.deps.rooms.roomState.getEvent,
      isRejected: (id) => this.deps.rooms.eventStore.isRejected(id),
    };
  }

  start(): void {
    this.running ??= this.loop().catch((error: unknown) => {
      this.log.error('resync loop crashed', { error: String(error) });
    });
  }

  /** Stops at the next safe point (between events); waits at most `graceMs` for it. */
  async stop(graceMs = 2_000): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    if (this.running) {
      await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, graceMs))]);
    }
  }

  private updateControl(change: Partial<ResyncControl>): void {
    this.deps.store.setControl(this.roomId, { ...this.deps.store.control(this.roomId), ...change });
    this.sleeper.wake();
    this.emitProgress();
  }

  pause(): void {
    this.stepsRemaining = 0;
    this.updateControl({ paused: true });
  }

  resume(): void {
    this.retryAtTs = null;
    this.updateControl({ paused: false });
  }

  /** Something changed that may let a waiting resync go on (e.g. a local user rejoined). */
  nudge(): void {
    this.sleeper.wake();
  }

  /** Processes `events` more events, then stays paused. */
  step(events: number): void {
    this.stepsRemaining += Math.max(0, Math.floor(events));
    this.sleeper.wake();
    this.emitProgress();
  }

  setThrottle(eventsPerSecond: number | null): void {
    this.updateControl({
      throttleEventsPerSecond:
        eventsPerSecond !== null && eventsPerSecond > 0 ? eventsPerSecond : null,
    });
  }

  progress(): ResyncProgress {
    const control = this.deps.store.control(this.roomId);
    const remaining =
      this.phase === 'complete' ? 0 : this.deps.store.partialEventCount(this.roomId);
    const average =
      this.recentEventMs.length === 0
        ? null
        : this.recentEventMs.reduce((a, b) => a + b, 0) / this.recentEventMs.length;
    return {
      roomId: this.roomId,
      revision: this.deps.nextRevision(),
      phase: this.phase,
      eventsTotal: this.stored.eventsDone + remaining,
      eventsDone: this.stored.eventsDone,
      requests: this.meter.requests,
      bytes: this.meter.bytes,
      currentDestination: this.currentDestination,
      cursorEventId: this.cursorEventId,
      lastError: this.lastError,
      retryAtTs: this.retryAtTs,
      failedRounds: this.failedRounds,
      throttleEventsPerSecond: control.throttleEventsPerSecond,
      stepsRemaining: this.stepsRemaining,
      etaMs: average === null || this.phase === 'complete' ? null : Math.round(average * remaining),
      startedTs: this.stored.startedTs,
      finishedTs: this.stored.finishedTs,
      resets: this.deps.store.resetCount(this.roomId),
    };
  }

  private emitProgress(): void {
    this.deps.listeners.progress(this.progress());
  }

  private setPhase(phase: ResyncPhase): void {
    if (this.phase === phase) return;
    this.phase = phase;
    this.emitProgress();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (!this.deps.rooms.partialState.isPartialRoom(this.roomId)) {
        this.setPhase('complete');
        return;
      }
      // Finishing needs no request, so it happens even while paused: once the last event was
      // stepped through, the room is fully stated and should say so.
      if (this.deps.store.partialEventCount(this.roomId) === 0 && this.complete()) return;
      if (!this.deps.rooms.currentState.joinedServers(this.roomId).includes(this.deps.serverName)) {
        this.setPhase('left');
        await this.sleeper.untilWoken();
        continue;
      }
      const control = this.deps.store.control(this.roomId);
      if (control.paused && this.stepsRemaining === 0) {
        this.setPhase('paused');
        await this.sleeper.untilWoken();
        continue;
      }
      const [eventId] = this.deps.store.readyEvents(this.roomId, 1);
      this.cursorEventId = eventId ?? null;
      if (eventId === undefined) {
        if (this.complete()) return;
        // Partial events remain but none is ready: wait for the events they hang on.
        await this.sleeper.sleep(1_000);
        continue;
      }
      await this.throttle(control.throttleEventsPerSecond);
      if (this.stopped) return;
      // A pause that arrived while throttled still holds.
      if (this.deps.store.control(this.roomId).paused && this.stepsRemaining === 0) continue;
      this.setPhase('running');
      const destination = this.rotation.current();
      this.currentDestination = destination ?? null;
      const started = this.deps.clock.now();
      try {
        if (destination === undefined) throw new Error('no resident server is known for this room');
        await this.resyncEvent(destination, eventId);
        this.recordDuration(this.deps.clock.now() - started);
        this.failedRounds = 0;
        this.lastError = null;
        this.retryAtTs = null;
        if (this.stepsRemaining > 0) this.stepsRemaining -= 1;
        this.emitProgress();
      } catch (error) {
        if (this.stopped) return;
        await this.handleFailure(destination, eventId, error);
      }
    }
  }

  private recordDuration(ms: number): void {
    this.recentEventMs.push(ms);
    if (this.recentEventMs.length > 50) this.recentEventMs.shift();
  }

  private async throttle(eventsPerSecond: number | null): Promise<void> {
    if (eventsPerSecond === null) return;
    const interval = 1000 / eventsPerSecond;
    const wait = this.lastEventStartedAt + interval - this.deps.clock.now();
    if (wait > 0) await this.sleeper.sleep(wait);
    this.lastEventStartedAt = this.deps.clock.now();
  }

  private async handleFailure(
    destination: string | undefined,
    eventId: string,
    error: unknown,
  ): Promise<void> {
    this.lastError = `${destination ?? 'no destination'}: ${error instanceof Error ? error.message : String(error)}`;
    this.log.warn('resync request failed', {
      destination,
      event_id: eventId,
      error: this.lastError,
    });
    const roundFailed = this.rotation.advance();
    if (!roundFailed) {
      this.emitProgress();
      return;
    }
    this.failedRounds += 1;
    const delay = Math.min(
      RESYNC_BACKOFF_START_MS * 2 ** (this.failedRounds - 1),
      RESYNC_BACKOFF_MAX_MS,
    );
    this.retryAtTs = this.deps.clock.now() + delay;
    this.setPhase('backoff');
    this.emitProgress();
    await this.sleeper.sleep(delay);
    this.retryAtTs = null;
    // The resident list may have grown (a second join); start again from the preferred one.
    this.rotation = this.makeRotation();
  }

  /** Brings one event to full state. Network first, then one synchronous decision and write. */
  private async resyncEvent(destination: string, eventId: string): Promise<void> {
    const { rooms } = this.deps;
    const event = rooms.eventStore.getEvent(eventId);
    const version = rooms.roomStore.getRoomVersion(this.roomId);
    if (!event || !version) throw new Error(`partial event ${eventId} is not stored`);

    const createEventId = rooms.currentState.getCurrentStateEventId(
      this.roomId,
      'm.room.create',
      '',
    );
    const fetched = new Map<string, StateMap>();
    for (const prev of event.prevEventIds) {
      if (rooms.roomState.stateGroupAfter(prev) !== undefined) continue;
      const answer = await this.deps.stateFetcher.stateAfter(
        destination,
        this.roomId,
        version,
        prev,
        this.meter,
      );
      // A hole in the answer would become this event's "full" state: fail this destination.
      requireCompleteState(destination, prev, answer, createEventId);
      fetched.set(prev, answer.state);
    }

    let resets: StateReset[] = [];
    rooms.persister.runInTransaction(() => {
      if (!rooms.partialState.isPartialEvent(eventId)) return;
      const fullBefore = rooms.roomState.stateBeforeEvent(
        version,
        event.prevEventIds,
        fetched,
        (prev) => !rooms.partialState.isPartialEvent(prev),
      ).state;
      const stored = rooms.eventStore.getEventState(eventId);
      if (!stored) throw new Error(`partial event ${eventId} has no state`);
      const partialBefore = rooms.stateStore.getState(stored.before);

      const authVerdict: AuthVerdict = checkAgainstAuthEvents(event, this.authDeps, version);
      const verdict = authVerdict.allowed
        ? checkAgainstState(event, fullBefore, rooms.roomState, version)
        : authVerdict;
      const oldRejection = rooms.eventStore.getRejection(eventId);

      const before = rooms.stateStore.createGroupForState(this.roomId, fullBefore, stored.before);
      const after =
        verdict.allowed && event.stateKey !== undefined
          ? rooms.stateStore.createGroup(
              this.roomId,
              before,
              new Map([[stateKey(event.type, event.stateKey), eventId]]),
            )
          : before;
      rooms.eventStore.setEventState(eventId, { before, after });
      this.deps.store.rememberPartialStateGroup(eventId, stored.before);
      const now = this.deps.clock.now();
      if (verdict.allowed) rooms.eventStore.clearRejected(eventId);
      else
        rooms.eventStore.setRejected(eventId, { rule: verdict.rule, reason: verdict.reason }, now);
      this.deps.store.removePartialEvent(eventId);
      // A flipped verdict changes which events are the room's tips.
      if ((oldRejection !== undefined) === verdict.allowed)
        rooms.eventStore.recomputeForwardExtremities(this.roomId);

      const found: NewStateReset[] = [];
      const wasRejected = oldRejection !== undefined;
      if (wasRejected === verdict.allowed) {
        found.push({
          roomId: this.roomId,
          eventId,
          kind: 'verdict_flip',
          changes: [],
          omittedKeysAdded: 0,
          oldVerdict: wasRejected ? 'rejected' : 'accepted',
          newVerdict: verdict.allowed ? 'accepted' : 'rejected',
          rule: verdict.allowed ? (oldRejection?.rule ?? null) : verdict.rule,
          reason: verdict.allowed
            ? `Accepted under full state; partial state had rejected it: ${oldRejection?.reason ?? ''}`
            : verdict.reason,
          createdTs: now,
        });
      }
      const changed = stateChangeReset(
        this.roomId,
        eventId,
        compareStates(partialBefore, fullBefore),
        now,
      );
      if (changed) found.push(changed);
      resets = found.map((reset) => this.deps.store.insertReset(reset));
      this.stored = {
        ...this.stored,
        eventsDone: this.stored.eventsDone + 1,
        requests: this.meter.requests,
        bytes: this.meter.bytes,
      };
      this.deps.store.saveProgress(this.roomId, this.stored);
    });
    for (const reset of resets) {
      this.log.info('state reset', {
        event_id: reset.eventId,
        kind: reset.kind,
        changes: reset.changes.length,
      });
      this.deps.listeners.stateReset(reset);
    }
    this.deps.listeners.eventUnPartialStated(this.roomId, eventId);
  }

  /**
   * Every event is fully stated: recompute the current state from the forward extremities,
   * record what it changed, and leave partial_state_rooms. Returns false if partial events
   * appeared meanwhile.
   */
  private complete(): boolean {
    const { rooms } = this.deps;
    let resets: StateReset[] = [];
    const done = rooms.persister.runInTransaction(() => {
      if (this.deps.store.partialEventCount(this.roomId) > 0) return false;
      const room = rooms.roomStore.getRoom(this.roomId);
      if (!room) throw new Error(`room ${this.roomId} vanished`);
      const groups = [
        ...new Set(
          rooms.eventStore
            .getForwardExtremities(this.roomId)
            .map((id) => rooms.eventStore.getEventState(id)?.after)
            .filter((g): g is number => g !== undefined),
        ),
      ];
      const oldCurrent =
        room.currentStateGroup === null
          ? new Map()
          : rooms.stateStore.getState(room.currentStateGroup);
      if (groups.length > 0) {
        const resolved =
          groups.length === 1
            ? rooms.stateStore.getState(groups[0] as number)
            : rooms.roomState.resolve(
                room.version,
                groups.map((g) => rooms.stateStore.getState(g)),
              );
        const group =
          groups.length === 1
            ? (groups[0] as number)
            : rooms.stateStore.createGroupForState(this.roomId, resolved, groups[0] ?? null);
        rooms.roomStore.setCurrentStateGroup(this.roomId, group);
        rooms.currentState.applyDelta(
          this.roomId,
          diffStates(oldCurrent, resolved),
          rooms.roomState.getEvent,
        );
        const changed = stateChangeReset(
          this.roomId,
          null,
          compareStates(oldCurrent, resolved),
          this.deps.clock.now(),
        );
        if (changed) resets = [this.deps.store.insertReset(changed)];
      }
      this.deps.store.clearPartialRoom(this.roomId);
      this.stored = { ...this.stored, finishedTs: this.deps.clock.now() };
      this.deps.store.saveProgress(this.roomId, this.stored);
      this.deps.listeners.completingInTransaction(this.roomId);
      return true;
    });
    if (!done) return false;
    for (const reset of resets) this.deps.listeners.stateReset(reset);
    this.cursorEventId = null;
    this.currentDestination = null;
    this.phase = 'complete';
    this.log.info('resync complete', {
      events: this.stored.eventsDone,
      requests: this.meter.requests,
      bytes: this.meter.bytes,
    });
    this.emitProgress();
    this.deps.listeners.completed(this.roomId);
    return true;
  }
}
