/**
 * Events a local client sends: messages (idempotent per device and transaction ID), state, and
 * redactions. Membership is checked first so that a room the user is not in — or one that does
 * not exist — answers 403 M_FORBIDDEN either way, as Synapse does; the auth rules then decide
 * everything else (power levels, bans) and refuse with their reason.
 */
import type { Requester } from '../accounts/account-service';
import { forbidden } from '../http/matrix-error';
import type { JsonObject } from '../rules/json';
import { isJsonObject } from '../rules/json';
import { namedPowerLevel, userPowerLevel } from '../rules/auth/power-levels';
import type { Clock } from '../util/clock';
import type { RoomServices } from './room-services';

export class ClientEventSending {
  constructor(
    private readonly rooms: RoomServices,
    private readonly clock: Clock,
  ) {}

  private requireJoined(roomId: string, userId: string): void {
    this.rooms.access.requireJoined(roomId, userId);
  }

  /** Sends, or answers the event a previous try with the same txnId created. */
  private idempotent(requester: Requester, txnId: string, send: () => string): string {
    const previous = this.rooms.clientTxns.eventFor(requester.userId, requester.deviceId, txnId);
    if (previous !== undefined) return previous;
    // Everything below is synchronous: a concurrent retry cannot slip in between. The event and
    // its transaction ID commit together: recorded after the event's own commit, a crash in
    // between would let the client's retry create the event a second time.
    let created: string | undefined;
    try {
      return this.rooms.persister.runInTransaction(() => {
        created = send();
        this.rooms.clientTxns.record(
          requester.userId,
          requester.deviceId,
          txnId,
          created,
          this.clock.now(),
        );
        return created;
      });
    } catch (error) {
      // The event's savepoint was rolled back with the rest: drop it from the event cache.
      if (created !== undefined) this.rooms.eventStore.forget([created]);
      throw error;
    }
  }

  sendMessage(
    requester: Requester,
    roomId: string,
    type: string,
    txnId: string,
    content: JsonObject,
  ): string {
    return this.idempotent(requester, txnId, () => {
      this.requireJoined(roomId, requester.userId);
      return this.rooms.sender.send({ roomId, type, sender: requester.userId, content }).event
        .eventId;
    });
  }

  /**
   * Sets state. Writing content identical to the current state event answers that event
   * instead of adding a duplicate (Synapse does the same).
   */
  sendState(
    requester: Requester,
    roomId: string,
    type: string,
    stateKey: string,
    content: JsonObject,
  ): string {
    this.requireJoined(roomId, requester.userId);
    const currentId = this.rooms.currentState.getCurrentStateEventId(roomId, type, stateKey);
    const current = currentId === undefined ? undefined : this.rooms.eventStore.getEvent(currentId);
    if (current && current.sender === requester.userId && sameJson(current.content, content)) {
      return current.eventId;
    }
    return this.rooms.sender.send({ roomId, type, stateKey, sender: requester.userId, content })
      .event.eventId;
  }

  /**
   * Redacts an event. From room v3 the auth rules accept any redaction and leave the check to
   * the moment it is applied; a client asking for one it may not make gets 403 now instead.
   */
  redact(
    requester: Requester,
    roomId: string,
    targetId: string,
    txnId: string,
    reason: string | undefined,
  ): string {
    return this.idempotent(requester, txnId, () => {
      this.requireJoined(roomId, requester.userId);
      const target = this.rooms.eventStore.getEvent(targetId);
      if (target && target.roomId === roomId && target.sender !== requester.userId) {
        const version = this.rooms.roomStore.getRoomVersion(roomId);
        const stateEvent = (type: string) => {
          const id = this.rooms.currentState.getCurrentStateEventId(roomId, type, '');
          return id === undefined ? undefined : this.rooms.eventStore.getEvent(id);
        };
        if (version) {
          const powerLevels = stateEvent('m.room.power_levels');
          const level = userPowerLevel(
            requester.userId,
            powerLevels,
            stateEvent('m.room.create'),
            version,
          );
          if (level < namedPowerLevel('redact', powerLevels, version)) {
            throw forbidden(`${requester.userId} may not redact events of other users here`);
          }
        }
      }
      return this.rooms.sender.send({
        roomId,
        type: 'm.room.redaction',
        sender: requester.userId,
        content: reason === undefined ? {} : { reason },
        redacts: targetId,
      }).event.eventId;
    });
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]))
    );
  }
  return false;
}
