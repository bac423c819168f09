/**
 * Builds one room's section of a /sync response: timeline (visible events in a stream window,
 * filtered, newest `limit`, with `limited` and `prev_batch`), state, ephemeral events and room
 * account data.
 *
 * State between two sync points: the room's state at stream position P is the state after the
 * newest stored non-outlier, non-soft-failed event at or before P (its `event_state.after`
 * group), or the room's current state group when that event is the room's newest. The `state`
 * section is the state at the start of the returned timeline (the `before` group of its first
 * event) — whole for initial / full_state / newly joined rooms, otherwise only the entries that
 * differ from the state at the `since` position. Keys removed between the two cannot be
 * expressed in /sync and are not sent. Events already in the timeline are left out.
 */
import type { JsonObject } from '../rules/json';
import type { RoomEvent } from '../rules/events/room-event';
import type { StateMap } from '../rules/events/state-map';
import { parseStateKey, stateKey } from '../rules/events/state-map';
import type { RoomVersion } from '../rules/room-versions';
import type { RoomServices } from '../rooms/room-services';
import type { SyncStore } from '../storage/sync-store';
import { toClientEvent } from '../client-api/client-event';
import { isEventVisible } from './history-visibility';
import { findMissingPartialStateMemberships } from './partial-state-memberships';
import type { LazyLoadedMembersCache } from './lazy-loaded-members';
import type { SyncFilter } from './sync-filter';
import { eventAllowed, timelineLimit } from './sync-filter';
import { formatSyncToken } from './sync-token';

/** Bounds the rows one room's timeline may scan when filters drop most events. */
const MAX_TIMELINE_SCAN = 1_000;

export interface RoomWindow {
  roomId: string;
  /** Exclusive lower bound; undefined for "from the beginning" (initial / newly joined). */
  from: number | undefined;
  /** Inclusive upper bound. */
  to: number;
}

export interface Viewer {
  userId: string;
  deviceId: string;
  /** Whether the viewer is joined to the room now (for `shared` history visibility). */
  joinedNow: boolean;
}

export interface BuiltTimeline {
  events: JsonObject[];
  limited: boolean;
  prevBatch: string;
  /** IDs of the events returned, and the state at the start of the timeline. */
  eventIds: Set<string>;
  senders: Set<string>;
  /** Each sender's earliest event in the timeline (its auth events cite their membership). */
  firstEventBySender: Map<string, RoomEvent>;
  memberEvents: RoomEvent[];
  stateAtStart: StateMap;
}

export class RoomSyncBuilder {
  constructor(
    private readonly rooms: RoomServices,
    private readonly syncStore: SyncStore,
    private readonly lazyMembers: LazyLoadedMembersCache,
    private readonly now: () => number,
  ) {}

  versionOf(roomId: string): RoomVersion | undefined {
    return this.rooms.roomStore.getRoomVersion(roomId);
  }

  /** The room's state at a stream position (see the module comment). */
  stateAt(roomId: string, position: number): StateMap {
    const last = this.syncStore.lastStatefulEventAt(roomId, position);
    if (!last) return new Map();
    const newest = this.syncStore.lastStatefulEventAt(roomId, Number.MAX_SAFE_INTEGER);
    const room = this.rooms.roomStore.getRoom(roomId);
    if (newest?.eventId === last.eventId && room?.currentStateGroup != null) {
      return this.rooms.stateStore.getState(room.currentStateGroup);
    }
    const groups = this.rooms.eventStore.getEventState(last.eventId);
    return groups ? this.rooms.stateStore.getState(groups.after) : new Map();
  }

  private visibility(event: RoomEvent, viewer: Viewer): boolean {
    const groups = this.rooms.eventStore.getEventState(event.eventId);
    if (!groups) return false;
    const store = this.rooms.stateStore;
    const hvId = store.getStateEntry(groups.after, 'm.room.history_visibility', '');
    const hvEvent = hvId === undefined ? undefined : this.rooms.eventStore.getEvent(hvId);
    const hv = hvEvent?.content['history_visibility'];
    const memberId = store.getStateEntry(groups.after, 'm.room.member', viewer.userId);
    const member = memberId === undefined ? undefined : this.rooms.eventStore.getEvent(memberId);
    const membership = member?.content['membership'];
    return isEventVisible(
      event,
      viewer.userId,
      {
        historyVisibility: typeof hv === 'string' ? hv : 'shared',
        membership: typeof membership === 'string' ? membership : undefined,
      },
      viewer.joinedNow,
    );
  }

  /** Renders an event for `viewer` in a room section (room_id omitted, /sync style). */
  clientEvent(event: RoomEvent, version: RoomVersion, viewer: Viewer, replaces = true): JsonObject {
    const meta = this.rooms.eventStore.getMeta(event.eventId);
    const redaction =
      meta?.redactedBy != null ? this.rooms.eventStore.getEvent(meta.redactedBy) : undefined;
    let replacesState: RoomEvent | undefined;
    if (replaces && event.stateKey !== undefined) {
      const groups = this.rooms.eventStore.getEventState(event.eventId);
      const previous =
        groups && this.rooms.stateStore.getStateEntry(groups.before, event.type, event.stateKey);
      if (previous !== undefined) replacesState = this.rooms.eventStore.getEvent(previous);
    }
    const transactionId =
      event.sender === viewer.userId
        ? this.syncStore.transactionIdOf(event.eventId, viewer.userId, viewer.deviceId)
        : undefined;
    return toClientEvent(event, {
      now: this.now(),
      version,
      redactedBecause: redaction,
      transactionId,
      replacesState,
      includeRoomId: false,
    });
  }

  timeline(
    window: RoomWindow,
    filter: SyncFilter,
    viewer: Viewer,
    typingSerial: number,
  ): BuiltTimeline {
    const { roomId, to } = window;
    const from = window.from ?? 0;
    const limit = timelineLimit(filter);
    const matches: { event: RoomEvent; stream: number }[] = [];
    let cursor = to;
    let scanned = 0;
    let exhausted = false;
    while (matches.length <= limit) {
      if (scanned >= MAX_TIMELINE_SCAN) break;
      const page = this.syncStore.timelineBackward(roomId, from, cursor, Math.max(limit + 1, 20));
      if (page.length === 0) {
        exhausted = true;
        break;
      }
      for (const row of page) {
        scanned += 1;
        cursor = row.streamOrdering - 1;
        const event = this.rooms.eventStore.getEvent(row.eventId);
        if (!event) continue;
        if (!eventAllowed(filter.room.timeline, event.type, event.sender)) continue;
        if (!this.visibility(event, viewer)) continue;
        matches.push({ event, stream: row.streamOrdering });
        if (matches.length > limit) break;
      }
    }
    const limited = matches.length > limit || !exhausted;
    const kept = matches.slice(0, limit).reverse();
    const version = this.versionOf(roomId);
    const first = kept[0];
    let stateAtStart: StateMap;
    if (first) {
      const groups = this.rooms.eventStore.getEventState(first.event.eventId);
      stateAtStart = groups ? this.rooms.stateStore.getState(groups.before) : new Map();
    } else {
      stateAtStart = this.stateAt(roomId, to);
    }
    const firstEventBySender = new Map<string, RoomEvent>();
    for (const { event } of kept) {
      if (!firstEventBySender.has(event.sender)) firstEventBySender.set(event.sender, event);
    }
    const memberEvents = kept
      .map((m) => m.event)
      .filter((e) => e.type === 'm.room.member' && e.stateKey !== undefined);
    return {
      events: version ? kept.map((m) => this.clientEvent(m.event, version, viewer)) : [],
      limited,
      prevBatch: formatSyncToken({
        stream: first ? first.stream - 1 : to,
        typing: typingSerial,
      }),
      eventIds: new Set(kept.map((m) => m.event.eventId)),
      senders: new Set(kept.map((m) => m.event.sender)),
      firstEventBySender,
      memberEvents,
      stateAtStart,
    };
  }

  /**
   * The `state` section. `previous` is the state at `since` (undefined: send it whole).
   * With lazy-loaded members only the timeline senders' and the viewer's member events are
   * sent, minus those this device already has (unless include_redundant_members). In a
   * partial-stated room, senders missing from the partial state are found in their events'
   * auth events (partial-state-memberships.ts).
   */
  state(
    roomId: string,
    timeline: BuiltTimeline,
    previous: StateMap | undefined,
    filter: SyncFilter,
    viewer: Viewer,
  ): JsonObject[] {
    const version = this.versionOf(roomId);
    if (!version) return [];
    const lazy = filter.room.state.lazyLoadMembers;
    const redundant = filter.room.state.includeRedundantMembers;
    if (lazy && previous === undefined) {
      this.lazyMembers.forgetRoom(viewer.userId, viewer.deviceId, roomId);
    }
    const chosen: string[] = [];
    for (const [key, eventId] of timeline.stateAtStart) {
      if (timeline.eventIds.has(eventId)) continue;
      const { type } = parseStateKey(key);
      if (lazy && type === 'm.room.member') continue;
      if (previous !== undefined && previous.get(key) === eventId) continue;
      chosen.push(eventId);
    }
    if (lazy) {
      const wanted = new Set([...timeline.senders, viewer.userId]);
      const fromAuthEvents = this.rooms.partialState.isPartialRoom(roomId)
        ? findMissingPartialStateMemberships(
            wanted,
            (member) => timeline.stateAtStart.get(stateKey('m.room.member', member)),
            timeline.firstEventBySender,
            (id) => this.rooms.eventStore.getEvent(id),
          )
        : new Map<string, string>();
      for (const member of wanted) {
        const eventId =
          timeline.stateAtStart.get(stateKey('m.room.member', member)) ??
          fromAuthEvents.get(member);
        if (eventId === undefined || timeline.eventIds.has(eventId)) continue;
        const sent = this.lazyMembers.sent(viewer.userId, viewer.deviceId, roomId, member);
        if (!redundant && sent === eventId) continue;
        chosen.push(eventId);
        this.lazyMembers.record(viewer.userId, viewer.deviceId, roomId, member, eventId);
      }
      // Member events in the timeline are now known to the device as well.
      for (const event of timeline.memberEvents) {
        this.lazyMembers.record(
          viewer.userId,
          viewer.deviceId,
          roomId,
          event.stateKey as string,
          event.eventId,
        );
      }
    }
    const events: JsonObject[] = [];
    for (const eventId of chosen) {
      const event = this.rooms.eventStore.getEvent(eventId);
      if (!event) continue;
      if (!eventAllowed(filter.room.state, event.type, event.sender)) continue;
      events.push(this.clientEvent(event, version, viewer, false));
    }
    return events;
  }

  /** `m.heroes` and member counts from the room's current state. */
  summary(roomId: string, userId: string): JsonObject {
    const joined = this.rooms.currentState.members(roomId, 'join').map((m) => m.userId);
    const invited = this.rooms.currentState.members(roomId, 'invite').map((m) => m.userId);
    const heroes = [...joined, ...invited]
      .filter((member) => member !== userId)
      .sort()
      .slice(0, 5);
    return {
      'm.heroes': heroes,
      'm.joined_member_count': joined.length,
      'm.invited_member_count': invited.length,
    };
  }
}
