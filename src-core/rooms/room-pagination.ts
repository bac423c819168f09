/**
 * /messages and /context over a room's topological order, for one user: each page holds only
 * events the history-visibility rules let the user see and the filter accepts. Tokens are
 * described in pagination-token.ts.
 *
 * Who may paginate: a joined user, anyone in a world-readable room, and a user who left or was
 * banned — the latter only up to their departure (Synapse's rule; the spec's per-event rules
 * then hide what they could not see). Anyone else, and any unknown room, gets 403.
 */
import { forbidden, notFound } from '../http/matrix-error';
import type { RoomEvent } from '../rules/events/room-event';
import { stateKey } from '../rules/events/state-map';
import type { StateMap } from '../rules/events/state-map';
import type { TimelineRow, TopologicalPosition } from '../storage/topological-timeline-store';
import { formatTopologicalToken, parsePaginationToken, positionBefore } from './pagination-token';
import type { RoomEventFilter } from './room-event-filter';
import { filterMatches } from './room-event-filter';
import type { RoomServices } from './room-services';

export const DEFAULT_MESSAGES_LIMIT = 10;
/** Synapse's cap: a client asking for more gets pages of this size. */
export const MAX_MESSAGES_LIMIT = 1000;
/** Rows read per query while filling a page; hidden or filtered events make us read on. */
const BATCH = 100;

export interface MessagesRequest {
  from: string | undefined;
  to: string | undefined;
  dir: 'b' | 'f';
  limit: number;
  filter: RoomEventFilter;
}

export interface MessagesPage {
  start: string;
  end: string | undefined;
  chunk: RoomEvent[];
  /** Member events for lazy loading, when the filter asks for them. */
  state: RoomEvent[];
}

export interface ContextResult {
  event: RoomEvent;
  before: RoomEvent[];
  after: RoomEvent[];
  start: string;
  end: string;
  state: RoomEvent[];
}

const ORIGIN: TopologicalPosition = { depth: 0, stream: 0 };

function compare(a: TopologicalPosition, b: TopologicalPosition): number {
  return a.depth - b.depth || a.stream - b.stream;
}

export class RoomPagination {
  constructor(private readonly rooms: RoomServices) {}

  /** The last position the user may read up to, or 403 (see the module comment). */
  private readableUntil(roomId: string, userId: string): TopologicalPosition {
    if (!this.rooms.roomStore.getRoom(roomId)) {
      throw forbidden(`${userId} is not in room ${roomId}, or it does not exist`);
    }
    const row = this.rooms.currentState.membershipOf(roomId, userId);
    const end = this.rooms.timeline.end(roomId);
    if (row?.membership === 'join' || this.rooms.access.isWorldReadable(roomId)) return end;
    if (row && (row.membership === 'leave' || row.membership === 'ban')) {
      const position = this.rooms.timeline.positionOf(row.eventId);
      if (position) return position;
    }
    throw forbidden(`${userId} is not in room ${roomId}`);
  }

  private resolveToken(roomId: string, token: string, parameter: string): TopologicalPosition {
    const parsed = parsePaginationToken(token, parameter);
    return parsed.kind === 'topological'
      ? parsed.position
      : this.rooms.timeline.positionAtStream(roomId, parsed.stream);
  }

  private visible(userId: string, filter: RoomEventFilter | undefined, row: TimelineRow) {
    const event = this.rooms.eventStore.getEvent(row.eventId);
    if (!event) return undefined;
    if (filter && !filterMatches(filter, event)) return undefined;
    return this.rooms.visibility.canSee(userId, event) ? event : undefined;
  }

  /**
   * Up to `limit` visible events from `from` in direction `dir`, not past `to`. Returns them with
   * the position after the last one examined and whether the range is exhausted.
   */
  private walk(
    roomId: string,
    userId: string,
    from: TopologicalPosition,
    dir: 'b' | 'f',
    limit: number,
    bound: TopologicalPosition | undefined,
    filter: RoomEventFilter | undefined,
  ): { events: RoomEvent[]; next: TopologicalPosition; exhausted: boolean } {
    const events: RoomEvent[] = [];
    let cursor = from;
    while (events.length < limit) {
      const rows =
        dir === 'b'
          ? this.rooms.timeline.atOrBefore(roomId, cursor, BATCH, bound)
          : this.rooms.timeline.after(roomId, cursor, BATCH, bound);
      for (const row of rows) {
        cursor = dir === 'b' ? positionBefore(row) : { depth: row.depth, stream: row.stream };
        const event = this.visible(userId, filter, row);
        if (event) events.push(event);
        if (events.length === limit) {
          return { events, next: cursor, exhausted: false };
        }
      }
      if (rows.length < BATCH) return { events, next: cursor, exhausted: true };
    }
    return { events, next: cursor, exhausted: false };
  }

  messages(roomId: string, userId: string, request: MessagesRequest): MessagesPage {
    const until = this.readableUntil(roomId, userId);
    let from: TopologicalPosition;
    if (request.from !== undefined) from = this.resolveToken(roomId, request.from, 'from');
    else from = request.dir === 'b' ? until : ORIGIN;
    const to = request.to === undefined ? undefined : this.resolveToken(roomId, request.to, 'to');
    let bound: TopologicalPosition | undefined;
    if (request.dir === 'b') {
      // A departed user starts no later than their departure.
      if (compare(from, until) > 0) from = until;
      bound = to;
    } else {
      bound = to === undefined || compare(to, until) > 0 ? until : to;
    }
    const { events, next, exhausted } = this.walk(
      roomId,
      userId,
      from,
      request.dir,
      request.limit,
      bound,
      request.filter,
    );
    const chronological = request.dir === 'b' ? [...events].reverse() : events;
    return {
      start: formatTopologicalToken(from),
      end: exhausted || events.length === 0 ? undefined : formatTopologicalToken(next),
      chunk: events,
      state: request.filter.lazyLoadMembers
        ? this.membersFor(chronological, chronological[0], 'before')
        : [],
    };
  }

  context(
    roomId: string,
    userId: string,
    eventId: string,
    limit: number,
    filter: RoomEventFilter,
  ): ContextResult {
    const until = this.readableUntil(roomId, userId);
    const event = this.rooms.eventStore.getEvent(eventId);
    const position = this.rooms.timeline.positionOf(eventId);
    if (
      !event ||
      !position ||
      position.roomId !== roomId ||
      compare(position, until) > 0 ||
      !this.rooms.visibility.canSee(userId, event)
    ) {
      throw notFound(`Event ${eventId} not found in ${roomId}`);
    }
    const beforeLimit = Math.floor(limit / 2);
    const afterLimit = limit - beforeLimit;
    const before = this.walk(
      roomId,
      userId,
      positionBefore(position),
      'b',
      beforeLimit,
      undefined,
      filter,
    );
    const after = this.walk(roomId, userId, position, 'f', afterLimit, until, filter);
    const lastEvent = after.events[after.events.length - 1] ?? event;
    const members = [...before.events, event, ...after.events];
    return {
      event,
      before: before.events,
      after: after.events,
      start: formatTopologicalToken(before.next),
      end: formatTopologicalToken(after.next),
      state: filter.lazyLoadMembers
        ? this.membersFor(members, lastEvent, 'after')
        : this.stateEvents(this.stateAt(lastEvent, 'after')),
    };
  }

  private stateAt(event: RoomEvent | undefined, which: 'before' | 'after'): StateMap | undefined {
    if (!event) return undefined;
    const groups = this.rooms.eventStore.getEventState(event.eventId);
    return groups ? this.rooms.stateStore.getState(groups[which]) : undefined;
  }

  private stateEvents(state: StateMap | undefined): RoomEvent[] {
    if (!state) return [];
    return [...state.values()]
      .map((id) => this.rooms.eventStore.getEvent(id))
      .filter((e): e is RoomEvent => e !== undefined);
  }

  /** Lazy loading: the member events of the senders of `events`, at `at`. */
  private membersFor(
    events: readonly RoomEvent[],
    at: RoomEvent | undefined,
    which: 'before' | 'after',
  ): RoomEvent[] {
    const state = this.stateAt(at, which);
    if (!state) return [];
    const senders = [...new Set(events.map((e) => e.sender))].sort();
    return senders
      .map((sender) => state.get(stateKey('m.room.member', sender)))
      .filter((id): id is string => id !== undefined)
      .map((id) => this.rooms.eventStore.getEvent(id))
      .filter((e): e is RoomEvent => e !== undefined);
  }
}
