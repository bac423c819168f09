/**
 * GET /sync (spec: client-server "Syncing"): computes a response from a token up to the
 * current stream position, and long-polls — waiting on the notifier — while an incremental
 * sync has nothing to say and its timeout has not passed.
 *
 * One computation is synchronous from start to finish (every store read is), so no write can
 * interleave with it: `next_batch` is exactly the position everything was read at, and a
 * waiter registered right after a computation misses nothing.
 *
 * Partial-state rooms (faster joins): eager syncs (no lazy-loaded members) leave them out until
 * they are fully stated, then send them as newly joined (full state) in the first incremental
 * sync whose window holds the un-partial-stated record; lazy-loading syncs include them.
 */
import type { JsonObject } from '../rules/json';
import type { RoomServices } from '../rooms/room-services';
import type { StreamCounter } from '../storage/stream-counter';
import type { SyncStore } from '../storage/sync-store';
import type { SyncNotifier } from './notifier';
import type { DeviceListService } from './device-list-service';
import type { PresenceService } from './presence-service';
import type { ReceiptService } from './receipt-service';
import type { RoomSyncBuilder, RoomWindow, Viewer } from './room-sync-builder';
import { strippedInviteState } from './stripped-state';
import type { SyncFilter } from './sync-filter';
import { eventAllowed, roomAllowed } from './sync-filter';
import type { SyncToken } from './sync-token';
import { formatSyncToken } from './sync-token';
import type { ToDeviceService } from './to-device-service';
import type { TypingService } from './typing-service';

/** Long-polls are capped so a client's huge timeout cannot pin a request for hours. */
export const MAX_SYNC_TIMEOUT_MS = 5 * 60_000;
/** To-device messages per response (Synapse sends 100); the rest follow in the next sync. */
export const TO_DEVICE_LIMIT = 100;

export interface SyncRequest {
  userId: string;
  deviceId: string;
  since: SyncToken | undefined;
  timeoutMs: number;
  fullState: boolean;
  filter: SyncFilter;
  signal?: AbortSignal;
}

interface Computed {
  response: JsonObject;
  empty: boolean;
}

const LEFT_MEMBERSHIPS = new Set(['leave', 'ban']);

export class SyncHandler {
  constructor(
    private readonly deps: {
      rooms: RoomServices;
      syncStore: SyncStore;
      builder: RoomSyncBuilder;
      notifier: SyncNotifier;
      typing: TypingService;
      receipts: ReceiptService;
      toDevice: ToDeviceService;
      presence: PresenceService;
      deviceLists: DeviceListService;
      stream: StreamCounter;
    },
  ) {}

  async sync(request: SyncRequest): Promise<JsonObject> {
    const timeoutMs = Math.min(Math.max(0, request.timeoutMs), MAX_SYNC_TIMEOUT_MS);
    const started = performance.now();
    let computed = this.compute(request);
    // Initial and full_state syncs answer at once, as Synapse does.
    if (request.since === undefined || request.fullState) return computed.response;
    while (computed.empty) {
      const remaining = timeoutMs - (performance.now() - started);
      if (remaining <= 0) break;
      const joined = this.deps.rooms.currentState
        .roomsOfUser(request.userId, ['join'])
        .map((row) => row.roomId);
      const reason = await this.deps.notifier.wait(
        request.userId,
        joined,
        remaining,
        request.signal,
      );
      if (reason !== 'notified') break;
      computed = this.compute(request);
    }
    return computed.response;
  }

  /** One synchronous pass: everything in (since, now]. */
  compute(request: SyncRequest): Computed {
    const { userId, deviceId, filter } = request;
    const { rooms, syncStore, typing, toDevice, stream } = this.deps;
    const typingNow = typing.serial;
    let upTo = stream.position;
    const since = request.since === undefined ? 0 : Math.min(request.since.stream, upTo);
    // A typing serial from before a restart is ahead of ours: send current typing instead.
    const sinceTyping =
      request.since === undefined || request.since.typing > typingNow ? 0 : request.since.typing;
    const initial = request.since === undefined;
    const lazy = filter.room.state.lazyLoadMembers;

    // Syncing with a token acknowledges the to-device messages up to it.
    if (!initial) toDevice.acknowledge(userId, deviceId, since);
    const toDeviceMessages = toDevice.pending(userId, deviceId, upTo, TO_DEVICE_LIMIT);
    const lastMessage = toDeviceMessages[toDeviceMessages.length - 1];
    if (toDeviceMessages.length === TO_DEVICE_LIMIT && lastMessage) {
      // Stop this response at the last message sent, so none is acknowledged unseen.
      upTo = lastMessage.streamId;
    }

    const accountData = syncStore.accountDataIn(userId, since, upTo);
    const globalAccountData = accountData
      .filter((row) => row.roomId === '' && eventAllowed(filter.accountData, row.type))
      .map((row) => ({ type: row.type, content: row.content }));
    const roomAccountData = new Map<string, JsonObject[]>();
    for (const row of accountData) {
      if (row.roomId === '' || !eventAllowed(filter.room.accountData, row.type)) continue;
      const list = roomAccountData.get(row.roomId) ?? [];
      list.push({ type: row.type, content: row.content });
      roomAccountData.set(row.roomId, list);
    }

    const memberships = rooms.currentState.roomsOfUser(userId, ['join', 'invite', 'leave', 'ban']);
    const roomsWithEvents = initial ? new Set<string>() : syncStore.roomsWithEventsIn(since, upTo);
    const unPartialStated =
      initial || lazy ? new Set<string>() : syncStore.unPartialStatedIn(since, upTo);
    const joinedIds = memberships.filter((m) => m.membership === 'join').map((m) => m.roomId);
    const receipts = this.deps.receipts.receiptContentFor(joinedIds, since, upTo, userId);
    const typingChanged = new Set(typing.changedSince(sinceTyping, joinedIds));

    const join: JsonObject = {};
    const invite: JsonObject = {};
    const leave: JsonObject = {};
    const newlyJoined: string[] = [];
    const newlyLeft: string[] = [];
    for (const row of memberships) {
      const { roomId } = row;
      if (!roomAllowed(filter.room, roomId)) continue;
      // Membership as of `upTo` (it can be behind the current one when to-device cut it short).
      const rowStream = syncStore.streamOrderingOf(row.eventId) ?? 0;
      const atEnd =
        rowStream <= upTo
          ? { membership: row.membership, eventId: row.eventId, streamOrdering: rowStream }
          : syncStore.membershipAt(roomId, userId, upTo);
      if (!atEnd) continue;
      const before = initial ? undefined : syncStore.membershipAt(roomId, userId, since);
      const changedInWindow = !initial && atEnd.streamOrdering > since;

      if (atEnd.membership === 'join') {
        if (!lazy && rooms.partialState.isPartialRoom(roomId)) continue;
        const joinedInWindow = !initial && before?.membership !== 'join';
        const fresh = initial || joinedInWindow || unPartialStated.has(roomId);
        const changed =
          fresh ||
          request.fullState ||
          roomsWithEvents.has(roomId) ||
          roomAccountData.has(roomId) ||
          receipts.has(roomId) ||
          typingChanged.has(roomId);
        if (!changed) continue;
        if (joinedInWindow) newlyJoined.push(roomId);
        const window: RoomWindow = { roomId, from: fresh ? undefined : since, to: upTo };
        join[roomId] = this.joinedRoom(window, request, sinceTyping, typingNow, {
          receipts: receipts.get(roomId),
          accountData: roomAccountData.get(roomId),
          typingChanged: fresh || request.fullState || typingChanged.has(roomId),
        });
      } else if (atEnd.membership === 'invite') {
        if (!initial && !changedInWindow) continue;
        const inviteEvent = rooms.eventStore.getEvent(atEnd.eventId);
        if (!inviteEvent) continue;
        invite[roomId] = {
          invite_state: {
            events: strippedInviteState(inviteEvent, (type) => {
              const id = rooms.currentState.getCurrentStateEventId(roomId, type, '');
              return id === undefined ? undefined : rooms.eventStore.getEvent(id);
            }),
          },
        };
      } else if (LEFT_MEMBERSHIPS.has(atEnd.membership)) {
        const wasIn = before?.membership === 'join' || before?.membership === 'invite';
        if (initial ? !filter.room.includeLeave : !(changedInWindow && wasIn)) continue;
        if (before?.membership === 'join') newlyLeft.push(roomId);
        leave[roomId] = this.leftRoom(
          {
            roomId,
            from: before?.membership === 'join' ? since : undefined,
            to: atEnd.streamOrdering,
          },
          atEnd.eventId,
          request,
          typingNow,
          roomAccountData.get(roomId),
        );
      }
    }

    const deviceLists = initial
      ? { changed: [], left: [] }
      : this.deviceListChanges(userId, joinedIds, newlyJoined, newlyLeft, since, upTo);
    const presenceEvents = this.deps.presence.eventsFor(
      userId,
      initial ? undefined : since,
      upTo,
      filter.presence,
    );
    const toDeviceEvents = toDeviceMessages.map((m) => ({
      sender: m.sender,
      type: m.type,
      content: m.content,
    }));
    const response: JsonObject = {
      next_batch: formatSyncToken({ stream: upTo, typing: typingNow }),
      account_data: { events: globalAccountData },
      presence: { events: presenceEvents },
      to_device: { events: toDeviceEvents },
      device_lists: deviceLists,
      device_one_time_keys_count: {},
      rooms: { join, invite, leave, knock: {} },
    };
    const empty =
      Object.keys(join).length === 0 &&
      Object.keys(invite).length === 0 &&
      Object.keys(leave).length === 0 &&
      globalAccountData.length === 0 &&
      toDeviceEvents.length === 0 &&
      presenceEvents.length === 0 &&
      deviceLists.changed.length === 0 &&
      deviceLists.left.length === 0;
    return { response, empty };
  }

  private joinedRoom(
    window: RoomWindow,
    request: SyncRequest,
    sinceTyping: number,
    typingNow: number,
    extra: {
      receipts: JsonObject | undefined;
      accountData: JsonObject[] | undefined;
      typingChanged: boolean;
    },
  ): JsonObject {
    const { builder, typing } = this.deps;
    const { filter } = request;
    const viewer: Viewer = { userId: request.userId, deviceId: request.deviceId, joinedNow: true };
    const timeline = builder.timeline(window, filter, viewer, typingNow);
    const previous =
      window.from === undefined || request.fullState
        ? undefined
        : builder.stateAt(window.roomId, window.from);
    const state = builder.state(window.roomId, timeline, previous, filter, viewer);

    const ephemeral: JsonObject[] = [];
    const ephemeralFilter = filter.room.ephemeral;
    if (roomAllowed(ephemeralFilter, window.roomId)) {
      const typingNowInRoom = typing.typingIn(window.roomId);
      const typingRelevant =
        window.from === undefined
          ? typingNowInRoom.userIds.length > 0
          : extra.typingChanged && typingNowInRoom.serial > sinceTyping;
      if (typingRelevant && eventAllowed(ephemeralFilter, 'm.typing')) {
        ephemeral.push({ type: 'm.typing', content: { user_ids: typingNowInRoom.userIds } });
      }
      if (extra.receipts && eventAllowed(ephemeralFilter, 'm.receipt')) {
        ephemeral.push({ type: 'm.receipt', content: extra.receipts });
      }
    }
    return {
      timeline: {
        events: timeline.events,
        limited: timeline.limited,
        prev_batch: timeline.prevBatch,
      },
      state: { events: roomAllowed(filter.room.state, window.roomId) ? state : [] },
      ephemeral: { events: ephemeral },
      account_data: { events: extra.accountData ?? [] },
      summary: builder.summary(window.roomId, request.userId),
      unread_notifications: { highlight_count: 0, notification_count: 0 },
    };
  }

  /** A room left (or an invite rejected / withdrawn): its timeline up to the leave. */
  private leftRoom(
    window: RoomWindow,
    leaveEventId: string,
    request: SyncRequest,
    typingNow: number,
    accountData: JsonObject[] | undefined,
  ): JsonObject {
    const { builder, rooms } = this.deps;
    const viewer: Viewer = { userId: request.userId, deviceId: request.deviceId, joinedNow: false };
    const meta = rooms.eventStore.getMeta(leaveEventId);
    const version = builder.versionOf(window.roomId);
    if (meta?.outlier) {
      // A rejected remote invite: we hold no timeline, only the leave itself.
      const event = rooms.eventStore.getEvent(leaveEventId);
      return {
        timeline: {
          events: event && version ? [builder.clientEvent(event, version, viewer, false)] : [],
          limited: false,
          prev_batch: formatSyncToken({ stream: window.to, typing: typingNow }),
        },
        state: { events: [] },
        account_data: { events: accountData ?? [] },
      };
    }
    const timeline = builder.timeline(window, request.filter, viewer, typingNow);
    const previous =
      window.from === undefined ? undefined : builder.stateAt(window.roomId, window.from);
    return {
      timeline: {
        events: timeline.events,
        limited: timeline.limited,
        prev_batch: timeline.prevBatch,
      },
      state: { events: builder.state(window.roomId, timeline, previous, request.filter, viewer) },
      account_data: { events: accountData ?? [] },
    };
  }

  /**
   * `device_lists`: users who newly share a room with us are `changed` (their keys may be new
   * to us); users we no longer share any room with are `left`. Users whose devices or signing
   * keys changed (DeviceListService: remote `m.device_list_update` / `m.signing_key_update`)
   * are `changed` too.
   */
  private deviceListChanges(
    userId: string,
    joinedIds: readonly string[],
    newlyJoined: readonly string[],
    newlyLeft: readonly string[],
    since: number,
    upTo: number,
  ): { changed: string[]; left: string[] } {
    const { rooms, syncStore } = this.deps;
    const changed = new Set<string>();
    const left = new Set<string>();
    for (const roomId of newlyJoined) {
      for (const member of rooms.currentState.members(roomId, 'join')) changed.add(member.userId);
    }
    for (const event of syncStore.membershipEventsIn(joinedIds, since, upTo)) {
      if (event.membership === 'join') changed.add(event.userId);
      else if (LEFT_MEMBERSHIPS.has(event.membership)) left.add(event.userId);
    }
    for (const roomId of newlyLeft) {
      for (const member of rooms.currentState.members(roomId, 'join')) left.add(member.userId);
    }
    for (const other of this.deps.deviceLists.changedFor(userId, since, upTo)) changed.add(other);
    changed.delete(userId);
    left.delete(userId);
    for (const other of [...left]) {
      if (syncStore.sharesRoomWith(userId, other)) left.delete(other);
      else changed.delete(other);
    }
    return { changed: [...changed].sort(), left: [...left].sort() };
  }
}
