/**
 * Stored events in the client format for one viewer: redacted content with
 * `unsigned.redacted_because` once a redaction applies, `unsigned.transaction_id` for the device
 * that sent it, and `prev_content` / `replaces_state` for state events.
 */
import type { Requester } from '../accounts/account-service';
import type { RoomEvent } from '../rules/events/room-event';
import type { JsonObject } from '../rules/json';
import type { RoomServices } from '../rooms/room-services';
import type { Clock } from '../util/clock';
import { toClientEvent } from './client-event';

export class RoomEventSerializer {
  constructor(
    private readonly rooms: RoomServices,
    private readonly clock: Clock,
  ) {}

  serialize(event: RoomEvent, viewer: Requester | undefined): JsonObject {
    const version = this.rooms.roomStore.getRoomVersion(event.roomId);
    if (!version) throw new Error(`event ${event.eventId} is in unknown room ${event.roomId}`);
    const meta = this.rooms.eventStore.getMeta(event.eventId);
    const redactedBecause = meta?.redactedBy
      ? this.rooms.eventStore.getEvent(meta.redactedBy)
      : undefined;
    let transactionId: string | undefined;
    if (viewer && viewer.userId === event.sender) {
      const txn = this.rooms.clientTxns.transactionOf(event.eventId);
      if (txn && txn.userId === viewer.userId && txn.deviceId === viewer.deviceId) {
        transactionId = txn.txnId;
      }
    }
    let replacesState: RoomEvent | undefined;
    if (event.stateKey !== undefined) {
      const groups = this.rooms.eventStore.getEventState(event.eventId);
      const previousId = groups
        ? this.rooms.stateStore.getStateEntry(groups.before, event.type, event.stateKey)
        : undefined;
      replacesState =
        previousId === undefined ? undefined : this.rooms.eventStore.getEvent(previousId);
    }
    return toClientEvent(event, {
      now: this.clock.now(),
      version,
      redactedBecause,
      transactionId,
      replacesState,
    });
  }

  serializeAll(events: readonly RoomEvent[], viewer: Requester | undefined): JsonObject[] {
    return events.map((event) => this.serialize(event, viewer));
  }
}
