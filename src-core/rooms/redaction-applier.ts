/**
 * Marks events redacted when a redaction that applies to them is persisted, in the same
 * transaction, whichever arrives first (federation does not order a redaction after its target).
 * Runs as an EventPersister in-transaction hook, so redactions from clients and from other
 * servers take the same path.
 *
 * From room v3 the auth rules no longer check a redaction against its target; the spec
 * ("Handling redactions" in the v3+ room versions) has servers apply it only when the redaction's
 * sender has the `redact` power level, or belongs to the same server as the target's sender.
 * Events are never redacted across rooms.
 */
import { stateKey } from '../rules/events/state-map';
import type { StateMap } from '../rules/events/state-map';
import type { RoomEvent } from '../rules/events/room-event';
import { namedPowerLevel, userPowerLevel } from '../rules/auth/power-levels';
import { serverNameOf } from '../rules/identifiers/server-name-of';
import type { CurrentStateStore } from '../storage/current-state-store';
import type { EventStore } from '../storage/event-store';
import type { RedactionStore } from '../storage/redaction-store';
import type { RoomStore } from '../storage/room-store';
import type { StateStore } from '../storage/state-store';
import type { PersistedEvent } from './event-persister';

export class RedactionApplier {
  constructor(
    private readonly rooms: RoomStore,
    private readonly events: EventStore,
    private readonly states: StateStore,
    private readonly currentState: CurrentStateStore,
    private readonly redactions: RedactionStore,
  ) {}

  readonly apply = (persisted: readonly PersistedEvent[]): void => {
    for (const item of persisted) {
      if (item.rejected) continue;
      const { event } = item;
      if (event.type === 'm.room.redaction' && event.redacts !== undefined && !item.softFailed) {
        this.redactions.record(event.eventId, event.redacts, event.roomId);
        const target = this.events.getEvent(event.redacts);
        if (target) this.applyOne(event, target);
      }
      for (const redactionId of this.redactions.redactionsOf(event.eventId)) {
        const redaction = this.events.getEvent(redactionId);
        if (redaction && !this.events.isRejected(redactionId)) this.applyOne(redaction, event);
      }
    }
  };

  private applyOne(redaction: RoomEvent, target: RoomEvent): void {
    if (redaction.roomId !== target.roomId) return;
    if (this.events.getMeta(target.eventId)?.redactedBy) return;
    if (!this.mayRedact(redaction, target)) return;
    this.events.setRedactedBy(target.eventId, redaction.eventId);
  }

  /** The v3+ rule; also right for v1–v2, whose auth rules already enforced the same. */
  mayRedact(redaction: RoomEvent, target: RoomEvent): boolean {
    const redactionServer = serverNameOf(redaction.sender);
    if (redactionServer !== undefined && redactionServer === serverNameOf(target.sender)) {
      return true;
    }
    const version = this.rooms.getRoomVersion(redaction.roomId);
    if (!version) return false;
    const state = this.stateBefore(redaction);
    const get = (type: string): RoomEvent | undefined => {
      const id = state
        ? state.get(stateKey(type, ''))
        : this.currentState.getCurrentStateEventId(redaction.roomId, type, '');
      return id === undefined ? undefined : this.events.getEvent(id);
    };
    const powerLevels = get('m.room.power_levels');
    const level = userPowerLevel(redaction.sender, powerLevels, get('m.room.create'), version);
    return level >= namedPowerLevel('redact', powerLevels, version);
  }

  /** The state before the redaction; undefined (use current state) for an outlier. */
  private stateBefore(redaction: RoomEvent): StateMap | undefined {
    const groups = this.events.getEventState(redaction.eventId);
    return groups ? this.states.getState(groups.before) : undefined;
  }
}
