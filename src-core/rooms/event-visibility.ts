/**
 * Applies the history-visibility rules (history-visibility.ts) to stored events for one user:
 * reads the visibility and the user's membership from the state before each event.
 */
import type { RoomEvent } from '../rules/events/room-event';
import type { EventStore } from '../storage/event-store';
import type { StateStore } from '../storage/state-store';
import type { TopologicalTimelineStore } from '../storage/topological-timeline-store';
import {
  isEventVisible,
  morePermissiveMembership,
  parseHistoryVisibility,
} from './history-visibility';
import type { HistoryVisibility } from './history-visibility';

export class EventVisibility {
  constructor(
    private readonly events: EventStore,
    private readonly states: StateStore,
    private readonly timeline: TopologicalTimelineStore,
  ) {}

  private entry(group: number, type: string, key: string): RoomEvent | undefined {
    const id = this.states.getStateEntry(group, type, key);
    return id === undefined ? undefined : this.events.getEvent(id);
  }

  /** The history visibility in force for an event (from the state before it). */
  visibilityAt(eventId: string): HistoryVisibility | undefined {
    const groups = this.events.getEventState(eventId);
    if (!groups) return undefined;
    return parseHistoryVisibility(
      this.entry(groups.before, 'm.room.history_visibility', '')?.content['history_visibility'],
    );
  }

  /** May `userId` see `event`? Events without stored state (outliers) are never shown. */
  canSee(userId: string, event: RoomEvent): boolean {
    const groups = this.events.getEventState(event.eventId);
    if (!groups) return false;
    const visibility = parseHistoryVisibility(
      this.entry(groups.before, 'm.room.history_visibility', '')?.content['history_visibility'],
    );
    if (visibility === 'world_readable') return true;
    const before = this.entry(groups.before, 'm.room.member', userId)?.content['membership'];
    let membership = typeof before === 'string' ? before : undefined;
    if (event.type === 'm.room.member' && event.stateKey === userId) {
      const after = event.content['membership'];
      membership = morePermissiveMembership(
        membership,
        typeof after === 'string' ? after : undefined,
      );
    }
    const joinedLater =
      visibility === 'shared' && membership !== 'join'
        ? (() => {
            const position = this.timeline.positionOf(event.eventId);
            return position ? this.timeline.joinedAfter(event.roomId, userId, position) : false;
          })()
        : false;
    return isEventVisible({ visibility, membershipAtEvent: membership, joinedLater });
  }
}
