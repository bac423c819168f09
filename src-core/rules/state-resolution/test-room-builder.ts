/**
 * Test-only: grows plausible rooms (valid auth events, increasing timestamps) so property tests
 * and benchmarks can fork them. Each fork is a linear history on top of a shared state; events
 * cite the auth events the spec's "auth events selection" names from the state before them.
 */
import { selectAuthEventKeys } from '../auth/auth-event-selection';
import type { JsonObject } from '../json';
import type { RoomEvent } from '../events/room-event';
import type { StateKey } from '../events/state-map';
import { stateKey } from '../events/state-map';
import type { RoomVersion } from '../room-versions';
import { roomEvent } from './test-room-events';

export class TestRoom {
  readonly events = new Map<string, RoomEvent>();
  private clock = 0;
  readonly roomId: string;

  constructor(
    readonly version: RoomVersion,
    readonly creator: string,
    private readonly idPrefix = '$',
  ) {
    this.roomId = version.roomIdFromCreateEvent
      ? `!${idPrefix.slice(1)}create`
      : '!room:example.com';
  }

  readonly get = (id: string): RoomEvent | undefined => this.events.get(id);

  /** Appends a state event to `state` (mutated) and returns its id. */
  send(
    state: Map<StateKey, string>,
    id: string,
    type: string,
    key: string,
    sender: string,
    content: JsonObject,
  ): string {
    const eventId = `${this.idPrefix}${id}`;
    const auth: string[] = [];
    for (const k of selectAuthEventKeys(type, key, sender, content, this.version)) {
      const authId = state.get(stateKey(k.type, k.stateKey));
      if (authId !== undefined) auth.push(authId);
    }
    const isCreate = type === 'm.room.create';
    const event = roomEvent({
      id: eventId,
      type,
      stateKey: key,
      sender,
      content,
      auth,
      ts: ++this.clock,
      depth: this.clock,
      roomId: isCreate && this.version.roomIdFromCreateEvent ? null : this.roomId,
    });
    this.events.set(eventId, event);
    state.set(stateKey(type, key), eventId);
    return eventId;
  }

  /** create, creator join, power levels, public join rules. */
  bootstrap(): Map<StateKey, string> {
    const state = new Map<StateKey, string>();
    const creatorContent: JsonObject = this.version.creatorIsSender
      ? { room_version: this.version.id }
      : { creator: this.creator, room_version: this.version.id };
    this.send(state, 'create', 'm.room.create', '', this.creator, creatorContent);
    this.send(state, 'creator-join', 'm.room.member', this.creator, this.creator, {
      membership: 'join',
    });
    const users: JsonObject = this.version.privilegedCreators ? {} : { [this.creator]: 100 };
    this.send(state, 'pl0', 'm.room.power_levels', '', this.creator, { users });
    this.send(state, 'jr0', 'm.room.join_rules', '', this.creator, { join_rule: 'public' });
    return state;
  }
}
