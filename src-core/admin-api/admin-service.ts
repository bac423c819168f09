/**
 * The admin API implemented against one homeserver, in-process. The HTTP + WebSocket routes and
 * the Electron IPC bridge both wrap this object, so both front ends see the same behaviour.
 */
import { randomBytes } from 'node:crypto';
import type { HomeserverContext } from '../homeserver-context';
import { MatrixError, notFound } from '../http/matrix-error';
import type { JsonObject } from '../rules/json';
import type { StateMap } from '../rules/events/state-map';
import { parseStateKey } from '../rules/events/state-map';
import { DagInspectionStore } from '../storage/dag-inspection-store';
import { ResyncStore } from '../storage/resync-store';
import type {
  AdminApi,
  AdminStreamMessage,
  EventDetail,
  EventSummary,
  JoinRoomRequest,
  LogLine,
  ResyncProgress,
  RoomSummary,
  ServerInfo,
  StateEntry,
  StateReset,
} from './admin-api-types';
import { SERVER_SOFTWARE } from '../federation-api/version';
import type { DemoFederationOptions } from '../demo/demo-federation';
import { DEFAULT_DEMO_OPTIONS, DemoFederation } from '../demo/demo-federation';

/** Events per listEvents page at most: the DAG view pages through big rooms. */
export const MAX_EVENTS_PAGE = 50_000;

/** Log lines kept for a GUI that connects later (the stream only carries what happens next). */
export const RECENT_LOG_LINES = 200;

/** The local account the admin acts as when joining rooms from the GUI. */
export const ADMIN_LOCALPART = 'skein-admin';

export class AdminService implements AdminApi {
  private readonly listeners = new Set<(message: AdminStreamMessage) => void>();
  private readonly dag: DagInspectionStore;
  private readonly resyncStore: ResyncStore;
  private readonly startedTs: number;
  private readonly recentLogs: LogLine[] = [];
  /** The demo federation, once asked for (one per process run; stopped with the server). */
  private demo: Promise<DemoFederation> | undefined;

  constructor(private readonly context: HomeserverContext) {
    this.dag = new DagInspectionStore(context.database);
    this.resyncStore = new ResyncStore(context.database);
    this.startedTs = context.clock.now();
    context.rooms.persister.onPersisted((persisted) => {
      for (const item of persisted) this.emitEvent(item.event.roomId, item.event.eventId);
      for (const roomId of new Set(persisted.map((p) => p.event.roomId))) this.emitRoom(roomId);
    });
    context.resync.observe({
      progress: (progress) => this.emit({ kind: 'resync', progress }),
      eventUnPartialStated: (roomId, eventId) => this.emitEvent(roomId, eventId),
      stateReset: (reset) => {
        this.emit({ kind: 'state_reset', reset });
        if (reset.eventId) this.emitEvent(reset.roomId, reset.eventId);
      },
      completed: (roomId) => this.emitRoom(roomId),
    });
  }

  private emit(message: AdminStreamMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (error) {
        this.context.logger.warn('admin stream listener failed', { error: String(error) });
      }
    }
  }

  private emitEvent(roomId: string, eventId: string): void {
    if (this.listeners.size === 0) return;
    const event = this.eventSummary(roomId, eventId);
    if (event) this.emit({ kind: 'event', event });
  }

  private emitRoom(roomId: string): void {
    if (this.listeners.size === 0) return;
    const room = this.roomSummary(roomId);
    if (room) this.emit({ kind: 'room', room });
  }

  subscribe(listener: (message: AdminStreamMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forwards log lines to the stream (wired to the logger's tap by the homeserver). */
  publishLog(line: LogLine): void {
    this.recentLogs.push(line);
    if (this.recentLogs.length > RECENT_LOG_LINES) this.recentLogs.shift();
    this.emit({ kind: 'log', line });
  }

  async serverInfo(): Promise<ServerInfo> {
    return {
      serverName: this.context.serverName,
      version: SERVER_SOFTWARE.version,
      startedTs: this.startedTs,
      destinations: this.context.federation.outboundQueue.status().map((d) => ({
        destination: d.destination,
        queued: d.queued,
        failures: d.failures,
        retryAtTs: d.retryAtTs ?? null,
        lastError: d.lastError ?? null,
      })),
      recentLogs: [...this.recentLogs],
    };
  }

  private stateContent(roomId: string, type: string, field: string): string | null {
    const eventId = this.context.rooms.currentState.getCurrentStateEventId(roomId, type, '');
    const value =
      eventId === undefined
        ? undefined
        : this.context.rooms.eventStore.getEvent(eventId)?.content[field];
    return typeof value === 'string' ? value : null;
  }

  private roomSummary(roomId: string): RoomSummary | undefined {
    const room = this.context.rooms.roomStore.getRoom(roomId);
    if (!room) return undefined;
    const partial = this.context.rooms.partialState.getRoom(roomId);
    const resync = this.context.resync.progress(roomId);
    return {
      roomId,
      roomVersion: room.version.id,
      name: this.stateContent(roomId, 'm.room.name', 'name'),
      canonicalAlias: this.stateContent(roomId, 'm.room.canonical_alias', 'alias'),
      joinedMembers: this.context.rooms.currentState.members(roomId, 'join').length,
      partial: partial !== undefined,
      joinEventId: this.joinEventOf(roomId),
      joinedVia: partial?.joinedVia ?? null,
      serversInRoom: this.context.rooms.partialState.serversInRoom(roomId),
      resync,
    };
  }

  /** J of the room's partial join, also after the resync finished (kept with its progress). */
  private joinEventOf(roomId: string): string | null {
    return (
      this.context.rooms.partialState.getRoom(roomId)?.joinEventId ??
      this.resyncStore.joinEventId(roomId)
    );
  }

  private requireRoom(roomId: string): RoomSummary {
    const room = this.roomSummary(roomId);
    if (!room) throw notFound(`Unknown room ${roomId}`);
    return room;
  }

  async listRooms(): Promise<RoomSummary[]> {
    return this.context.rooms.roomStore
      .listRoomIds()
      .map((roomId) => this.roomSummary(roomId))
      .filter((room): room is RoomSummary => room !== undefined);
  }

  async getRoom(roomId: string): Promise<RoomSummary> {
    return this.requireRoom(roomId);
  }

  private eventSummary(roomId: string, eventId: string): EventSummary | undefined {
    const joinEventId = this.joinEventOf(roomId);
    return this.dag.event(eventId, joinEventId, this.resyncStore.resetKindsByEvent(roomId));
  }

  async listEvents(
    roomId: string,
    options: { fromDepth?: number; limit?: number; includeOutliers?: boolean } = {},
  ): Promise<EventSummary[]> {
    this.requireRoom(roomId);
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 5_000)), MAX_EVENTS_PAGE);
    return this.dag.events(roomId, {
      fromDepth: options.fromDepth ?? 0,
      limit,
      includeOutliers: options.includeOutliers ?? false,
      joinEventId: this.joinEventOf(roomId),
      resetKinds: this.resyncStore.resetKindsByEvent(roomId),
    });
  }

  private stateEntries(state: StateMap): StateEntry[] {
    return [...state]
      .map(([key, eventId]) => ({ ...parseStateKey(key), eventId }))
      .sort((a, b) =>
        a.type === b.type ? (a.stateKey < b.stateKey ? -1 : 1) : a.type < b.type ? -1 : 1,
      );
  }

  async getEvent(roomId: string, eventId: string): Promise<EventDetail> {
    this.requireRoom(roomId);
    const summary = this.eventSummary(roomId, eventId);
    const event = this.context.rooms.eventStore.getEvent(eventId);
    if (!summary || !event || event.roomId !== roomId)
      throw notFound(`Unknown event ${eventId} in ${roomId}`);
    const groups = this.context.rooms.eventStore.getEventState(eventId);
    const partialGroup = this.resyncStore.partialStateGroupBefore(eventId);
    return {
      summary,
      pdu: event.pdu as JsonObject,
      stateBefore: groups
        ? this.stateEntries(this.context.rooms.stateStore.getState(groups.before))
        : null,
      partialStateBefore:
        partialGroup === null
          ? null
          : this.stateEntries(this.context.rooms.stateStore.getState(partialGroup)),
      resets: this.resyncStore.resetsForEvent(eventId),
    };
  }

  async listStateResets(roomId: string): Promise<StateReset[]> {
    this.requireRoom(roomId);
    return this.resyncStore.resets(roomId);
  }

  private requireResync(
    roomId: string,
  ): NonNullable<ReturnType<HomeserverContext['resync']['get']>> {
    this.requireRoom(roomId);
    const resync = this.context.resync.get(roomId) ?? this.context.resync.ensure(roomId);
    if (!resync)
      throw new MatrixError(409, 'M_UNKNOWN', `Room ${roomId} has no resync: it is fully stated`);
    return resync;
  }

  async pauseResync(roomId: string): Promise<ResyncProgress> {
    const resync = this.requireResync(roomId);
    resync.pause();
    return resync.progress();
  }

  async resumeResync(roomId: string): Promise<ResyncProgress> {
    const resync = this.requireResync(roomId);
    resync.resume();
    return resync.progress();
  }

  async stepResync(roomId: string, events: number): Promise<ResyncProgress> {
    if (!Number.isInteger(events) || events < 1 || events > 1_000_000) {
      throw new MatrixError(
        400,
        'M_INVALID_PARAM',
        'events must be an integer from 1 to 1,000,000',
      );
    }
    const resync = this.requireResync(roomId);
    resync.step(events);
    return resync.progress();
  }

  async setResyncThrottle(roomId: string, eventsPerSecond: number | null): Promise<ResyncProgress> {
    if (eventsPerSecond !== null && !(Number.isFinite(eventsPerSecond) && eventsPerSecond > 0)) {
      throw new MatrixError(
        400,
        'M_INVALID_PARAM',
        'events_per_second must be a positive number or null',
      );
    }
    const resync = this.requireResync(roomId);
    resync.setThrottle(eventsPerSecond);
    return resync.progress();
  }

  /** The admin's own local account, created on first use (it has no password: it cannot log in). */
  private async adminUserId(): Promise<string> {
    const userId = `@${ADMIN_LOCALPART}:${this.context.serverName}`;
    if (!this.context.accounts.userExists(userId)) {
      await this.context.accounts.register({
        username: ADMIN_LOCALPART,
        password: undefined,
        deviceId: `ADMIN${randomBytes(4).toString('hex').toUpperCase()}`,
        initialDeviceDisplayName: 'Skein admin',
        inhibitLogin: true,
      });
    }
    return userId;
  }

  async joinRoom(request: JoinRoomRequest): Promise<{ roomId: string }> {
    if (typeof request.room !== 'string' || !/^[!#]/.test(request.room)) {
      throw new MatrixError(400, 'M_INVALID_PARAM', 'room must be a room ID (!…) or alias (#…)');
    }
    if (
      !Array.isArray(request.via) ||
      !request.via.every((v) => typeof v === 'string' && v.length > 0)
    ) {
      throw new MatrixError(400, 'M_INVALID_PARAM', 'via must be a list of server names');
    }
    const userId = request.userId ?? (await this.adminUserId());
    if (!this.context.accounts.userExists(userId)) throw notFound(`No local user ${userId}`);
    const roomId = await this.context.rooms.membership.join(userId, request.room, request.via, {});
    return { roomId };
  }

  async startDemo(
    options: DemoFederationOptions = DEFAULT_DEMO_OPTIONS,
  ): Promise<{ roomId: string }> {
    if (!this.demo) {
      const report = (message: string, fields: Record<string, unknown> = {}): void => {
        this.context.logger.info(message, fields);
        this.publishLog({ ts: this.context.clock.now(), level: 'info', message, fields });
      };
      this.demo = DemoFederation.start(
        {
          local: this.context,
          join: async (roomId, via) => (await this.joinRoom({ room: roomId, via })).roomId,
          report,
        },
        options,
      );
      // A failed start may be retried; the error goes to the caller and the log view.
      this.demo.catch((error: unknown) => {
        this.demo = undefined;
        this.context.logger.warn('demo federation failed to start', { error: String(error) });
      });
    }
    return { roomId: (await this.demo).roomId };
  }

  /** Stops the demo servers, if any (the homeserver calls this as it stops). */
  async stopDemo(): Promise<void> {
    const demo = this.demo;
    this.demo = undefined;
    if (!demo) return;
    try {
      await (await demo).stop();
    } catch {
      // It never started: nothing runs.
    }
  }
}
