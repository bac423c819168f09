/**
 * The admin API's vocabulary, shared by the core (which serves it over HTTP + WebSocket and over
 * Electron IPC) and the renderer (which only imports these types). Types only: nothing here may
 * pull Node code into the browser bundle.
 */

export type ResyncPhase =
  /** Working through partial-state events. */
  | 'running'
  /** Stopped by a person; nothing is requested from the resident while paused. */
  | 'paused'
  /** Every destination failed; waiting until `retryAtTs` before trying again (never gives up). */
  | 'backoff'
  /**
   * No local user is in the room any more (left, kicked or banned): residents will not answer
   * us, so the resync waits; a rejoin continues it.
   */
  | 'left'
  /** Every event is fully stated and the room has left partial_state_rooms. */
  | 'complete';

export interface ResyncProgress {
  roomId: string;
  /**
   * Grows with every snapshot the server takes. A command's answer and the live stream can
   * arrive out of order, so a snapshot with a lower revision than one already shown is stale.
   */
  revision: number;
  phase: ResyncPhase;
  /** Events still partial-stated plus those already done. */
  eventsTotal: number;
  eventsDone: number;
  requests: number;
  bytes: number;
  currentDestination: string | null;
  /** The event being re-authorised now, or next. */
  cursorEventId: string | null;
  lastError: string | null;
  retryAtTs: number | null;
  /** Consecutive rounds in which every destination failed. */
  failedRounds: number;
  throttleEventsPerSecond: number | null;
  /** Events left to step through before pausing again (set by "step"). */
  stepsRemaining: number;
  etaMs: number | null;
  startedTs: number;
  finishedTs: number | null;
  resets: number;
}

export interface RoomSummary {
  roomId: string;
  roomVersion: string;
  name: string | null;
  canonicalAlias: string | null;
  joinedMembers: number;
  /** True while the room is in partial_state_rooms. */
  partial: boolean;
  joinEventId: string | null;
  joinedVia: string | null;
  serversInRoom: string[];
  resync: ResyncProgress | null;
}

export type StateResetKind = 'verdict_flip' | 'state_changed' | 'current_state_changed';

export interface StateChange {
  type: string;
  stateKey: string;
  oldEventId: string | null;
  newEventId: string | null;
}

export interface StateReset {
  resetId: number;
  roomId: string;
  eventId: string | null;
  kind: StateResetKind;
  changes: StateChange[];
  /** Keys the partial state never had (omitted members) that the full state added: counted only. */
  omittedKeysAdded: number;
  oldVerdict: 'accepted' | 'rejected' | null;
  newVerdict: 'accepted' | 'rejected' | null;
  /** The auth rule behind a verdict flip, with its sentence. */
  rule: string | null;
  reason: string | null;
  createdTs: number;
}

export interface EventSummary {
  eventId: string;
  roomId: string;
  type: string;
  stateKey: string | null;
  sender: string;
  depth: number;
  streamOrdering: number;
  originServerTs: number;
  prevEventIds: string[];
  authEventIds: string[];
  outlier: boolean;
  softFailed: boolean;
  rejected: { rule: string; reason: string } | null;
  /** In partial_state_events: only partial state is known before it. */
  partialState: boolean;
  /** The join event J of a partial join. */
  isPartialJoinEvent: boolean;
  /** Kinds of state reset recorded against this event. */
  resetKinds: StateResetKind[];
}

export interface StateEntry {
  type: string;
  stateKey: string;
  eventId: string;
}

export interface EventDetail {
  summary: EventSummary;
  /** The PDU as stored (federation format). */
  pdu: Record<string, unknown>;
  /** The state before the event as stored now (partial while partialState is true). */
  stateBefore: StateEntry[] | null;
  /** The partial state before it as it was before the resync replaced it, when known. */
  partialStateBefore: StateEntry[] | null;
  resets: StateReset[];
}

export interface ServerInfo {
  serverName: string;
  version: string;
  startedTs: number;
  /** Outbound federation health per destination. */
  destinations: {
    destination: string;
    queued: number;
    failures: number;
    retryAtTs: number | null;
    lastError: string | null;
  }[];
  /** The latest warnings, errors and demo steps logged before this call, oldest first. */
  recentLogs: LogLine[];
}

export interface LogLine {
  ts: number;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** What the live stream (WebSocket / IPC) pushes, as it happens. */
export type AdminStreamMessage =
  | { kind: 'room'; room: RoomSummary }
  | { kind: 'resync'; progress: ResyncProgress }
  | { kind: 'event'; event: EventSummary }
  | { kind: 'state_reset'; reset: StateReset }
  | { kind: 'log'; line: LogLine };

export interface JoinRoomRequest {
  /** A room ID or alias. */
  room: string;
  /** Resident servers to join through. */
  via: string[];
  /** The local user who joins (created if the demo needs one); default: the admin's own user. */
  userId?: string;
}

/**
 * The one interface both transports implement (HTTP + WebSocket in browser mode, IPC in
 * Electron); screens never know which.
 */
export interface AdminApi {
  serverInfo(): Promise<ServerInfo>;
  listRooms(): Promise<RoomSummary[]>;
  getRoom(roomId: string): Promise<RoomSummary>;
  /** Events in topological order (depth, then stream), `limit` from `fromDepth`. */
  listEvents(
    roomId: string,
    options?: { fromDepth?: number; limit?: number; includeOutliers?: boolean },
  ): Promise<EventSummary[]>;
  getEvent(roomId: string, eventId: string): Promise<EventDetail>;
  listStateResets(roomId: string): Promise<StateReset[]>;
  pauseResync(roomId: string): Promise<ResyncProgress>;
  resumeResync(roomId: string): Promise<ResyncProgress>;
  stepResync(roomId: string, events: number): Promise<ResyncProgress>;
  setResyncThrottle(roomId: string, eventsPerSecond: number | null): Promise<ResyncProgress>;
  joinRoom(request: JoinRoomRequest): Promise<{ roomId: string }>;
  /**
   * Starts the embedded demo federation (resident servers on loopback hosting a generated room)
   * and partially joins the admin user to its room, resync paused at J. Idempotent: a second
   * call returns the same room.
   */
  startDemo(): Promise<{ roomId: string }>;
  /** Subscribes to the live stream; returns the unsubscribe function. */
  subscribe(listener: (message: AdminStreamMessage) => void): () => void;
}
