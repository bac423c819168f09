/**
 * Which state of a room a user may read (GET /state, /members, /joined_members, /aliases):
 * the current state while they are joined; the state as they left it after they left or were
 * banned; the current state of a `world_readable` room for anyone. Everyone else is told 403
 * M_FORBIDDEN — also for rooms we do not know, so the answer does not reveal which rooms exist
 * (Synapse answers the same way).
 */
import { forbidden } from '../http/matrix-error';
import type { StateMap } from '../rules/events/state-map';
import type { CurrentStateStore } from '../storage/current-state-store';
import type { EventStore } from '../storage/event-store';
import type { RoomStore } from '../storage/room-store';
import type { StateStore } from '../storage/state-store';
import { parseHistoryVisibility } from './history-visibility';

export interface ReadableState {
  /** The state the user may read. */
  state: StateMap;
  /** True when it is the room's current state. */
  current: boolean;
  /** The user's current membership in the room, if any. */
  membership: string | undefined;
}

export class RoomAccess {
  constructor(
    private readonly rooms: RoomStore,
    private readonly events: EventStore,
    private readonly states: StateStore,
    private readonly currentState: CurrentStateStore,
  ) {}

  membershipOf(roomId: string, userId: string): string | undefined {
    return this.currentState.membershipOf(roomId, userId)?.membership;
  }

  isWorldReadable(roomId: string): boolean {
    const id = this.currentState.getCurrentStateEventId(roomId, 'm.room.history_visibility', '');
    const event = id === undefined ? undefined : this.events.getEvent(id);
    return parseHistoryVisibility(event?.content['history_visibility']) === 'world_readable';
  }

  /** 403 unless the user is joined now. */
  requireJoined(roomId: string, userId: string): void {
    if (this.membershipOf(roomId, userId) !== 'join') {
      throw forbidden(`${userId} is not joined to room ${roomId}`);
    }
  }

  /** The state the user may read (see the module comment), or 403. */
  readableState(roomId: string, userId: string): ReadableState {
    const room = this.rooms.getRoom(roomId);
    if (!room) throw forbidden(`${userId} is not in room ${roomId}, or it does not exist`);
    const row = this.currentState.membershipOf(roomId, userId);
    const membership = row?.membership;
    if (membership === 'join' || this.isWorldReadable(roomId)) {
      return { state: this.currentState.getCurrentState(roomId), current: true, membership };
    }
    if (row && (membership === 'leave' || membership === 'ban')) {
      const groups = this.events.getEventState(row.eventId);
      if (groups) return { state: this.states.getState(groups.after), current: false, membership };
    }
    throw forbidden(`${userId} is not in room ${roomId}`);
  }
}
