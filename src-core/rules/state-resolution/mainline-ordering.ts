/**
 * Spec rooms/v2 "Mainline ordering" (algorithm step 3). The mainline of the resolved power levels
 * P₀ is P₀, the power levels it cites, the one that cites, and so on. An event's mainline position
 * is found by following the power-levels auth events from it (not counting itself) until one is on
 * the mainline; events closer to the room's start sort first, events that never reach the
 * mainline before all others, then `origin_server_ts`, then event ID.
 */
import type { RoomEvent } from '../events/room-event';
import { compareEventIds } from './event-id-order';
import type { StateResContext } from './state-res-context';

function powerLevelsAuthEvent(event: RoomEvent, ctx: StateResContext): RoomEvent | undefined {
  for (const authId of event.authEventIds) {
    const authEvent = ctx.getEvent(authId);
    if (authEvent && authEvent.type === 'm.room.power_levels' && authEvent.stateKey === '') {
      return authEvent;
    }
  }
  return undefined;
}

/**
 * Sorts `eventIds` by mainline ordering based on the power-levels event `resolvedPowerLevelsId`
 * (undefined when the partially resolved state has none: then every event ties on position).
 * O(n log n + the power-levels chains walked), each chain walked once thanks to memoisation.
 */
export function mainlineSort(
  eventIds: Iterable<string>,
  resolvedPowerLevelsId: string | undefined,
  ctx: StateResContext,
): string[] {
  // rank: 1 for the oldest mainline event … n for P₀; 0 for "never reaches the mainline", which
  // is the spec's position ∞ and therefore sorts first.
  const rank = new Map<string, number>();
  const mainline: string[] = [];
  const seen = new Set<string>();
  for (let id = resolvedPowerLevelsId; id !== undefined && !seen.has(id);) {
    seen.add(id);
    mainline.push(id);
    const event = ctx.getEvent(id);
    id = event ? powerLevelsAuthEvent(event, ctx)?.eventId : undefined;
  }
  mainline.forEach((id, i) => rank.set(id, mainline.length - i));

  const positionOf = (event: RoomEvent): number => {
    const path: string[] = [];
    let found = 0;
    const visited = new Set<string>();
    for (let pl = powerLevelsAuthEvent(event, ctx); pl; pl = powerLevelsAuthEvent(pl, ctx)) {
      const known = rank.get(pl.eventId);
      if (known !== undefined) {
        found = known;
        break;
      }
      if (visited.has(pl.eventId)) break;
      visited.add(pl.eventId);
      path.push(pl.eventId);
    }
    // Every power-levels event on the way leads to the same mainline event.
    for (const id of path) rank.set(id, found);
    return found;
  };

  const keyed: { id: string; position: number; ts: number }[] = [];
  for (const id of eventIds) {
    const event = ctx.getEvent(id);
    if (!event) continue;
    keyed.push({ id, position: positionOf(event), ts: event.originServerTs });
  }
  keyed.sort((a, b) => a.position - b.position || a.ts - b.ts || compareEventIds(a.id, b.id));
  return keyed.map((entry) => entry.id);
}
