/**
 * How live stream messages change what the GUI knows. Pure apart from the room graphs, which are
 * updated in place (see room-graph.ts) with their version counters bumped; a batch of messages
 * (everything that arrived within one animation frame) yields one state change.
 */
import type {
  AdminStreamMessage,
  EventSummary,
  LogLine,
  ResyncProgress,
  RoomSummary,
  StateReset,
} from '../../../src-core/admin-api/admin-api-types';
import type { RoomGraph } from '../dag/room-graph';

/** Log lines kept for the log view. */
export const MAX_LOG_LINES = 500;

export interface StreamState {
  rooms: Record<string, RoomSummary>;
  resync: Record<string, ResyncProgress>;
  graphs: Record<string, RoomGraph>;
  /** Bumped whenever any graph changed (the DAG repaints). */
  graphVersion: number;
  /** Bumped whenever any graph gained rows (the event list and row mapping recompute). */
  structureVersion: number;
  resets: Record<string, StateReset[]>;
  logs: LogLine[];
}

/** Events for rooms whose graph is still loading: applied once it has loaded. */
export type PendingEvents = Map<string, EventSummary[]>;

export function newestFirst(a: StateReset, b: StateReset): number {
  return b.createdTs - a.createdTs || b.resetId - a.resetId;
}

/**
 * Whether `incoming` should replace `current`: a command's answer and the live stream can
 * arrive out of order, and an older snapshot must not undo a newer one.
 */
export function isNewerProgress(
  current: ResyncProgress | undefined,
  incoming: ResyncProgress,
): boolean {
  return current === undefined || incoming.revision >= current.revision;
}

export function reduceStreamMessages(
  state: StreamState,
  messages: readonly AdminStreamMessage[],
  pending?: PendingEvents,
): Partial<StreamState> {
  let rooms: Record<string, RoomSummary> | undefined;
  let resync: Record<string, ResyncProgress> | undefined;
  let resets: Record<string, StateReset[]> | undefined;
  let logs: LogLine[] | undefined;
  let graphChanged = false;
  let structureChanged = false;

  for (const message of messages) {
    switch (message.kind) {
      case 'room': {
        rooms ??= { ...state.rooms };
        rooms[message.room.roomId] = message.room;
        if (
          message.room.resync &&
          isNewerProgress((resync ?? state.resync)[message.room.roomId], message.room.resync)
        ) {
          resync ??= { ...state.resync };
          resync[message.room.roomId] = message.room.resync;
        }
        break;
      }
      case 'resync': {
        if (!isNewerProgress((resync ?? state.resync)[message.progress.roomId], message.progress))
          break;
        resync ??= { ...state.resync };
        resync[message.progress.roomId] = message.progress;
        break;
      }
      case 'event': {
        const graph = state.graphs[message.event.roomId];
        if (graph === undefined) {
          pending?.get(message.event.roomId)?.push(message.event);
          break;
        }
        const structure = graph.structureVersion;
        if (graph.upsert(message.event) !== 'unchanged') graphChanged = true;
        if (graph.structureVersion !== structure) structureChanged = true;
        break;
      }
      case 'state_reset': {
        const roomId = message.reset.roomId;
        const known = (resets ?? state.resets)[roomId];
        if (known === undefined) break; // not loaded: listStateResets fetches it on open
        if (known.some((r) => r.resetId === message.reset.resetId)) break;
        resets ??= { ...state.resets };
        resets[roomId] = [message.reset, ...known].sort(newestFirst);
        break;
      }
      case 'log': {
        logs ??= [...state.logs];
        logs.push(message.line);
        break;
      }
    }
  }

  const next: Partial<StreamState> = {};
  if (rooms) next.rooms = rooms;
  if (resync) next.resync = resync;
  if (resets) next.resets = resets;
  if (logs) next.logs = logs.length > MAX_LOG_LINES ? logs.slice(-MAX_LOG_LINES) : logs;
  if (graphChanged) next.graphVersion = state.graphVersion + 1;
  if (structureChanged) next.structureVersion = state.structureVersion + 1;
  return next;
}
