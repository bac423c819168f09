/**
 * The GUI's one zustand store: what the server told us (rooms, resync progress, event graphs,
 * resets, log lines), offline rooms opened from files, and what the person is looking at
 * (selection, toggles, theme). Actions talk to the core only through the AdminTransport.
 */
import { createStore } from 'zustand/vanilla';
import type {
  AdminStreamMessage,
  EventDetail,
  EventSummary,
  JoinRoomRequest,
  ResyncProgress,
  ServerInfo,
} from '../../../src-core/admin-api/admin-api-types';
import type { OfflineRoom } from '../dag/federation-ndjson';
import { exportFederationNdjson, importFederationNdjson } from '../dag/federation-ndjson';
import { RoomGraph } from '../dag/room-graph';
import type { AdminTransport, StreamConnectionState } from '../transport/admin-transport';
import { AdminTransportError } from '../transport/admin-transport';
import type { PendingEvents, StreamState } from './stream-reducer';
import { isNewerProgress, newestFirst, reduceStreamMessages } from './stream-reducer';

/** Events fetched per listEvents page when a room opens. */
export const EVENTS_PAGE = 20_000;
/** Parallel getEvent calls when exporting a live room. */
const EXPORT_CONCURRENCY = 8;

export type Theme = 'light' | 'dark';

export interface Focus {
  eventId: string;
  /** Bumped on every request, so asking twice re-centres. */
  seq: number;
}

export interface AdminState extends StreamState {
  transport: AdminTransport | null;
  connection: StreamConnectionState;
  /** The token was refused (or is missing): the token prompt shows with this message. */
  authError: string | null;
  serverInfo: ServerInfo | null;
  offlineRooms: Record<string, OfflineRoom>;
  loadingRooms: Record<string, boolean>;
  selectedRoomId: string | null;
  selectedEventId: string | null;
  focus: Focus | null;
  showAuthEdges: boolean;
  showOutliers: boolean;
  collapseChains: boolean;
  theme: Theme;
  /** The last failure worth telling the person about. */
  notice: string | null;

  connect(transport: AdminTransport): Promise<void>;
  disconnect(): void;
  /** Reloads rooms and server info; after a reconnect also the open room's graph and resets. */
  refresh(options?: { reloadOpenRoom?: boolean }): Promise<void>;
  applyStreamMessages(messages: readonly AdminStreamMessage[]): void;
  openRoom(roomId: string): Promise<void>;
  selectEvent(eventId: string | null, options?: { focus?: boolean }): void;
  stepSelection(delta: number): void;
  requestFocus(eventId: string): void;
  pauseResync(roomId: string): Promise<void>;
  resumeResync(roomId: string): Promise<void>;
  stepResync(roomId: string, events: number): Promise<void>;
  setResyncThrottle(roomId: string, eventsPerSecond: number | null): Promise<void>;
  joinRoom(request: JoinRoomRequest): Promise<string>;
  importNdjson(text: string, source: string): OfflineRoom;
  exportRoom(roomId: string, onProgress?: (done: number, total: number) => void): Promise<string>;
  eventDetail(roomId: string, eventId: string): Promise<EventDetail>;
  setShowAuthEdges(show: boolean): void;
  setShowOutliers(show: boolean): void;
  setCollapseChains(collapse: boolean): void;
  setTheme(theme: Theme): void;
  setNotice(notice: string | null): void;
}

export interface AdminStoreOptions {
  /** Batches stream messages until this runs the flush (default: next animation frame). */
  scheduleFlush?: (flush: () => void) => void;
  initialTheme?: Theme;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}

function defaultScheduleFlush(flush: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => flush());
  else setTimeout(flush, 16);
}

export function createAdminStore(options: AdminStoreOptions = {}) {
  const scheduleFlush = options.scheduleFlush ?? defaultScheduleFlush;
  const pending: PendingEvents = new Map();
  let queue: AdminStreamMessage[] = [];
  let flushScheduled = false;
  let unsubscribers: (() => void)[] = [];
  let focusSeq = 0;

  return createStore<AdminState>()((set, get) => {
    const fail = (error: unknown): void => {
      if (error instanceof AdminTransportError && error.isAuthFailure) {
        set({ authError: error.message });
        return;
      }
      set({ notice: describe(error) });
    };

    const progressChanged = (progress: ResyncProgress): void =>
      set((state) =>
        isNewerProgress(state.resync[progress.roomId], progress)
          ? { resync: { ...state.resync, [progress.roomId]: progress } }
          : {},
      );

    const requireTransport = (): AdminTransport => {
      const transport = get().transport;
      if (!transport) throw new Error('Not connected to a Skein server');
      return transport;
    };

    return {
      rooms: {},
      resync: {},
      graphs: {},
      graphVersion: 0,
      structureVersion: 0,
      resets: {},
      logs: [],
      transport: null,
      connection: 'closed',
      authError: null,
      serverInfo: null,
      offlineRooms: {},
      loadingRooms: {},
      selectedRoomId: null,
      selectedEventId: null,
      focus: null,
      showAuthEdges: false,
      showOutliers: false,
      collapseChains: false,
      theme: options.initialTheme ?? 'light',
      notice: null,

      async connect(transport) {
        get().disconnect();
        set({ transport, authError: null });
        let wasOpen = false;
        unsubscribers = [
          transport.subscribe((message) => {
            queue.push(message);
            if (flushScheduled) return;
            flushScheduled = true;
            scheduleFlush(() => {
              flushScheduled = false;
              const batch = queue;
              queue = [];
              get().applyStreamMessages(batch);
            });
          }),
          transport.onConnectionChange((connection) => {
            set({ connection });
            // Messages sent while the socket was down are lost: reload what we show.
            if (connection === 'open' && wasOpen) void get().refresh({ reloadOpenRoom: true });
            if (connection === 'open') wasOpen = true;
          }),
        ];
        await get().refresh();
      },

      disconnect() {
        for (const unsubscribe of unsubscribers) unsubscribe();
        unsubscribers = [];
        set({ transport: null, connection: 'closed' });
      },

      async refresh(refreshOptions = {}) {
        const transport = get().transport;
        if (!transport) return;
        try {
          const [serverInfo, rooms] = await Promise.all([
            transport.serverInfo(),
            transport.listRooms(),
          ]);
          const resync = { ...get().resync };
          for (const room of rooms) {
            if (room.resync && isNewerProgress(resync[room.roomId], room.resync)) {
              resync[room.roomId] = room.resync;
            }
          }
          set({
            serverInfo,
            // Lines logged before we connected (the stream only brings later ones).
            ...(get().logs.length === 0 ? { logs: serverInfo.recentLogs ?? [] } : {}),
            rooms: Object.fromEntries(rooms.map((room) => [room.roomId, room])),
            resync,
            authError: null,
          });
          const open = get().selectedRoomId;
          if (refreshOptions.reloadOpenRoom && open !== null && get().rooms[open] !== undefined) {
            // Reload the open room's graph: the stream may have missed updates.
            set({ graphs: without(get().graphs, open), resets: without(get().resets, open) });
            await get().openRoom(open);
          }
        } catch (error) {
          fail(error);
        }
      },

      applyStreamMessages(messages) {
        set((state) => reduceStreamMessages(state, messages, pending));
      },

      async openRoom(roomId) {
        set({ selectedRoomId: roomId });
        if (get().graphs[roomId] !== undefined || get().loadingRooms[roomId]) return;
        if (get().offlineRooms[roomId] !== undefined) return;
        const transport = get().transport;
        if (!transport) return;
        set((state) => ({ loadingRooms: { ...state.loadingRooms, [roomId]: true } }));
        pending.set(roomId, []);
        try {
          const events: EventSummary[] = [];
          let fromDepth = 0;
          for (;;) {
            const page = await transport.listEvents(roomId, {
              fromDepth,
              limit: EVENTS_PAGE,
              includeOutliers: true,
            });
            events.push(...page);
            const last = page[page.length - 1];
            if (page.length < EVENTS_PAGE || last === undefined || last.depth <= fromDepth) break;
            // The next page starts at the last depth again; repeats are ignored by the graph.
            fromDepth = last.depth;
          }
          const resets = await transport.listStateResets(roomId);
          const graph = new RoomGraph(roomId, events, { showOutliers: get().showOutliers });
          for (const event of pending.get(roomId) ?? []) graph.upsert(event);
          set((state) => ({
            graphs: { ...state.graphs, [roomId]: graph },
            resets: { ...state.resets, [roomId]: [...resets].sort(newestFirst) },
            graphVersion: state.graphVersion + 1,
            structureVersion: state.structureVersion + 1,
          }));
          const join = get().rooms[roomId]?.joinEventId;
          if (get().selectedEventId === null && join) get().selectEvent(join, { focus: true });
        } catch (error) {
          fail(error);
        } finally {
          pending.delete(roomId);
          set((state) => ({ loadingRooms: without(state.loadingRooms, roomId) }));
        }
      },

      selectEvent(eventId, selectOptions = {}) {
        set({ selectedEventId: eventId });
        if (eventId !== null && selectOptions.focus) get().requestFocus(eventId);
      },

      stepSelection(delta) {
        const { selectedRoomId, selectedEventId, graphs } = get();
        const graph = selectedRoomId === null ? undefined : graphs[selectedRoomId];
        if (!graph || graph.layout.size === 0) return;
        const row = selectedEventId === null ? undefined : graph.layout.rowOf(selectedEventId);
        const next =
          row === undefined
            ? delta > 0
              ? 0
              : graph.layout.size - 1
            : Math.min(graph.layout.size - 1, Math.max(0, row + delta));
        const id = graph.layout.idAt(next);
        if (id !== undefined) get().selectEvent(id, { focus: true });
      },

      requestFocus(eventId) {
        focusSeq += 1;
        set({ focus: { eventId, seq: focusSeq } });
      },

      async pauseResync(roomId) {
        try {
          progressChanged(await requireTransport().pauseResync(roomId));
        } catch (error) {
          fail(error);
        }
      },

      async resumeResync(roomId) {
        try {
          progressChanged(await requireTransport().resumeResync(roomId));
        } catch (error) {
          fail(error);
        }
      },

      async stepResync(roomId, events) {
        try {
          progressChanged(await requireTransport().stepResync(roomId, events));
        } catch (error) {
          fail(error);
        }
      },

      async setResyncThrottle(roomId, eventsPerSecond) {
        try {
          progressChanged(await requireTransport().setResyncThrottle(roomId, eventsPerSecond));
        } catch (error) {
          fail(error);
        }
      },

      async joinRoom(request) {
        const { roomId } = await requireTransport().joinRoom(request);
        await get().refresh();
        return roomId;
      },

      importNdjson(text, source) {
        const room = importFederationNdjson(text, source);
        // Offline rooms get their own key, so a file of a room we are in never mixes with it.
        const key = `offline:${source}:${room.roomId}`;
        const graph = new RoomGraph(key, room.events, { showOutliers: true });
        set((state) => ({
          offlineRooms: { ...state.offlineRooms, [key]: room },
          graphs: { ...state.graphs, [key]: graph },
          resets: { ...state.resets, [key]: [] },
          selectedRoomId: key,
          selectedEventId: null,
          graphVersion: state.graphVersion + 1,
          structureVersion: state.structureVersion + 1,
        }));
        return room;
      },

      async exportRoom(roomId, onProgress) {
        const offline = get().offlineRooms[roomId];
        if (offline) {
          return exportFederationNdjson(
            offline.events.map((event) => ({
              eventId: event.eventId,
              pdu: offline.pdus.get(event.eventId) ?? {},
            })),
          );
        }
        const graph = get().graphs[roomId];
        if (!graph) throw new Error(`Open ${roomId} before exporting it`);
        const transport = requireTransport();
        const ids = [...graph.allEvents()].map((event) => event.eventId);
        const pdus = new Array<Record<string, unknown>>(ids.length);
        let next = 0;
        let done = 0;
        const worker = async (): Promise<void> => {
          while (next < ids.length) {
            const index = next++;
            pdus[index] = (await transport.getEvent(roomId, ids[index] as string)).pdu;
            done += 1;
            onProgress?.(done, ids.length);
          }
        };
        await Promise.all(Array.from({ length: EXPORT_CONCURRENCY }, worker));
        return exportFederationNdjson(
          ids.map((eventId, index) => ({ eventId, pdu: pdus[index] ?? {} })),
        );
      },

      async eventDetail(roomId, eventId) {
        const offline = get().offlineRooms[roomId];
        if (offline) {
          const summary = get().graphs[roomId]?.get(eventId);
          if (!summary) throw new Error(`${eventId} is not in ${offline.source}`);
          return {
            summary,
            pdu: offline.pdus.get(eventId) ?? {},
            stateBefore: null,
            partialStateBefore: null,
            resets: [],
          };
        }
        return requireTransport().getEvent(roomId, eventId);
      },

      setShowAuthEdges(show) {
        set({ showAuthEdges: show });
      },

      setShowOutliers(show) {
        for (const graph of Object.values(get().graphs)) graph.setShowOutliers(show);
        set((state) => ({
          showOutliers: show,
          graphVersion: state.graphVersion + 1,
          structureVersion: state.structureVersion + 1,
        }));
      },

      setCollapseChains(collapse) {
        set({ collapseChains: collapse });
      },

      setTheme(theme) {
        set({ theme });
      },

      setNotice(notice) {
        set({ notice });
      },
    };
  });
}

export type AdminStore = ReturnType<typeof createAdminStore>;
