/**
 * Builds, hashes and signs a new local event: prev_events from the room's forward extremities,
 * depth one past the deepest prev, auth_events chosen from the state before it (spec "Auth
 * events selection"), then the event ID from its reference hash.
 */
import { randomBytes } from 'node:crypto';
import { selectAuthEventIds } from '../rules/auth/auth-event-selection';
import { computeEventId } from '../rules/hashes/event-id';
import type { JsonObject } from '../rules/json';
import type { Pdu } from '../rules/events/pdu';
import type { RoomEvent } from '../rules/events/room-event';
import { toRoomEvent } from '../rules/events/room-event';
import type { RoomVersion } from '../rules/room-versions';
import { signEvent } from '../rules/signing/sign-event';
import type { SigningKey } from '../rules/signing/signing-key';
import type { EventStore } from '../storage/event-store';
import type { Clock } from '../util/clock';
import type { ComputedState, RoomStateService } from './room-state';

export interface NewEvent {
  roomId: string;
  type: string;
  stateKey?: string | undefined;
  sender: string;
  content: JsonObject;
  /** For m.room.redaction: the event it redacts (placed per room version). */
  redacts?: string | undefined;
}

/** A room's DAG may have many tips; citing a bounded number keeps events small (Synapse: 10). */
export const MAX_PREV_EVENTS_CITED = 10;

export class EventBuilder {
  constructor(
    private readonly serverName: string,
    private readonly signingKey: SigningKey,
    private readonly clock: Clock,
    private readonly events: EventStore,
    private readonly roomState: RoomStateService,
  ) {}

  /** The prev events a new event in the room should cite: the deepest forward extremities. */
  choosePrevEvents(roomId: string): RoomEvent[] {
    return this.events
      .getForwardExtremities(roomId)
      .map((id) => this.events.getEvent(id))
      .filter((e): e is RoomEvent => e !== undefined)
      .sort((a, b) => b.depth - a.depth || (a.eventId < b.eventId ? -1 : 1))
      .slice(0, MAX_PREV_EVENTS_CITED);
  }

  /**
   * The unsigned event on top of `prevs` (default: the room's extremities), with the state
   * before it. This is what make_join/make_leave hand to a joining server to sign.
   */
  prepare(
    spec: NewEvent,
    version: RoomVersion,
    prevs: readonly RoomEvent[] = this.choosePrevEvents(spec.roomId),
  ): { template: JsonObject; stateBefore: ComputedState } {
    const stateBefore: ComputedState =
      prevs.length === 0
        ? { kind: 'map', parent: null, state: new Map() }
        : this.roomState.stateAfterEvents(
            version,
            prevs.map((p) => p.eventId),
          );
    const authEvents = selectAuthEventIds(
      spec.type,
      spec.stateKey,
      spec.sender,
      spec.content,
      version,
      this.roomState.lookup(stateBefore.state),
    );
    const content: JsonObject =
      spec.redacts !== undefined && version.redactsInContent
        ? { ...spec.content, redacts: spec.redacts }
        : spec.content;
    const template: JsonObject = {
      type: spec.type,
      sender: spec.sender,
      content,
      depth: Math.max(0, ...prevs.map((p) => p.depth)) + 1,
      origin_server_ts: this.clock.now(),
      prev_events:
        version.eventIdFormat === 'v1'
          ? prevs.map((p) => [p.eventId, p.pdu.hashes])
          : prevs.map((p) => p.eventId),
      auth_events:
        version.eventIdFormat === 'v1'
          ? authEvents.map((id) => [id, this.events.getEvent(id)?.pdu.hashes ?? { sha256: '' }])
          : authEvents,
    };
    // A v12 create event has no room_id: the room ID is derived from it (MSC4291).
    if (!(version.roomIdFromCreateEvent && spec.type === 'm.room.create')) {
      template['room_id'] = spec.roomId;
    }
    if (spec.stateKey !== undefined) template['state_key'] = spec.stateKey;
    if (spec.redacts !== undefined && !version.redactsInContent) template['redacts'] = spec.redacts;
    return { template, stateBefore };
  }

  /** Hashes and signs an event (a template of ours or one a resident server prepared). */
  sign(template: JsonObject, version: RoomVersion): RoomEvent {
    const unsigned = { ...template };
    if (version.eventIdFormat === 'v1' && typeof unsigned['event_id'] !== 'string') {
      unsigned['event_id'] = `$${randomBytes(18).toString('base64url')}:${this.serverName}`;
    }
    const pdu = signEvent(unsigned, this.serverName, this.signingKey, version) as Pdu;
    return toRoomEvent(pdu, computeEventId(pdu, version), version);
  }

  /**
   * Builds the event on top of `prevs` (default: the room's extremities). Returns it with the
   * state before it, which the caller authorises against and persists with.
   */
  build(
    spec: NewEvent,
    version: RoomVersion,
    prevs: readonly RoomEvent[] = this.choosePrevEvents(spec.roomId),
  ): { event: RoomEvent; stateBefore: ComputedState } {
    const { template, stateBefore } = this.prepare(spec, version, prevs);
    return { event: this.sign(template, version), stateBefore };
  }
}
