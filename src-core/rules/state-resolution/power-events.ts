import type { RoomEvent } from '../events/room-event';

/**
 * Spec rooms/v2 "Power events": power levels, join rules, and kicks/bans (a `leave` or `ban`
 * membership sent by someone other than its target) — the events that can take abilities away.
 * The create event is included too, as Synapse and Ruma do (it only matters if two create
 * events ever conflict, and then it must sort first).
 */
export function isPowerEvent(event: RoomEvent): boolean {
  if (event.stateKey === undefined) return false;
  switch (event.type) {
    case 'm.room.power_levels':
    case 'm.room.join_rules':
    case 'm.room.create':
      return event.stateKey === '';
    case 'm.room.member': {
      const membership = event.content['membership'];
      return (membership === 'leave' || membership === 'ban') && event.sender !== event.stateKey;
    }
    default:
      return false;
  }
}
