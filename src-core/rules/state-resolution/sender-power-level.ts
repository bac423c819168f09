import type { RoomEvent } from '../events/room-event';
import type { StateResContext } from './state-res-context';

/**
 * The power level of an event's sender "when looking at their respective auth_events" (spec
 * rooms/v2, reverse topological power ordering): the `m.room.power_levels` among its auth events,
 * and the create event (cited in v1–v11, the room's in v12) for creator power. Missing auth
 * events are skipped, as Synapse's `_get_power_level_for_sender` does.
 */
export function senderPowerLevel(event: RoomEvent, ctx: StateResContext): number {
  let powerLevels: RoomEvent | undefined;
  let create: RoomEvent | undefined =
    event.type === 'm.room.create' && event.stateKey === '' ? event : undefined;
  for (const authId of event.authEventIds) {
    const authEvent = ctx.getEvent(authId);
    if (!authEvent || authEvent.stateKey !== '') continue;
    if (authEvent.type === 'm.room.power_levels') powerLevels = authEvent;
    else if (authEvent.type === 'm.room.create') create = authEvent;
  }
  create ??= ctx.createEvent;
  return ctx.rules.userPowerLevel(event.sender, powerLevels, create, ctx.version);
}
