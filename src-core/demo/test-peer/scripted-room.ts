/**
 * A scripted room DAG: the builder API tests use to author a room the peer then hosts, and the
 * store of events the peer received into it. Every authored event is hashed and signed by the
 * peer's own code with the key of its sender's server.
 *
 * State is the script's truth, not the output of any auth or resolution algorithm:
 * - state before an event with one prev event = the state after that prev event;
 * - with several prev events (a merge) = the union of their states, and on a conflict the entry
 *   the peer learned last wins — unless the script passes `stateBefore` explicitly;
 * - state after = state before, plus the event if it is a state event the script did not mark
 *   `rejected`.
 */
import { randomBytes } from 'node:crypto';
import { selectAuthEvents } from './auth-event-selection';
import type { DagEvent, PeerStateMap } from './dag-event';
import { serverNameOf, stateKeyOf } from './dag-event';
import { eventIdOf, roomIdFromCreateEventId } from './peer-event-hashes';
import { hashAndSignPdu } from './peer-event-signing';
import type { PeerJson, PeerJsonObject } from './peer-json';
import { cloneJson, isPeerJsonObject } from './peer-json';
import type { PeerRoomVersion, PeerRoomVersionId } from './peer-room-versions';
import { peerRoomVersion } from './peer-room-versions';
import type { PeerSigningKey } from './peer-signing-key';
import { signatureOf } from './peer-signing-key';

/** Finds the signing key of a server the peer speaks for. */
export type SigningKeyLookup = (serverName: string) => PeerSigningKey | undefined;

/** Knobs every authoring call accepts, for forks and crafted events. */
export interface EventOptions {
  /** Default: the room's forward extremities (so after a fork, the next event merges). */
  prevEvents?: readonly string[];
  /** Default: selected from the state before the event (spec "Auth events selection"). */
  authEvents?: readonly string[];
  /** Override the state before the event (for merges whose resolved state the test fixes). */
  stateBefore?: PeerStateMap;
  /** The event is rejected in the script's truth: served, but never part of the state. */
  rejected?: boolean;
  /** `hash`: content changed after signing (receivers must redact it); `signature`: a bad signature. */
  tamper?: 'hash' | 'signature';
  depth?: number;
  originServerTs?: number;
  /** Extra top-level PDU fields (e.g. `redacts` for a v10 redaction). */
  extraFields?: PeerJsonObject;
}

export interface EventSpec extends EventOptions {
  type: string;
  stateKey?: string;
  sender: string;
  content: PeerJsonObject;
}

export interface CreateRoomOptions {
  version: PeerRoomVersionId;
  creator: string;
  /** `public` (default) or `invite` join rule. */
  joinRule?: 'public' | 'invite' | 'knock';
  historyVisibility?: 'shared' | 'invited' | 'joined' | 'world_readable';
  name?: string;
  /** Extra create content (e.g. `additional_creators` in v12). */
  createContent?: PeerJsonObject;
  /** Merged over the default power levels content. */
  powerLevels?: PeerJsonObject;
}

function defaultPowerLevels(creator: string, version: PeerRoomVersion): PeerJsonObject {
  return {
    // v12 creators hold unlimited power and must not be listed (MSC4289).
    users: version.privilegedCreators ? {} : { [creator]: 100 },
    users_default: 0,
    events: {
      'm.room.name': 50,
      'm.room.power_levels': 100,
      'm.room.history_visibility': 100,
      'm.room.canonical_alias': 50,
      'm.room.avatar': 50,
      'm.room.tombstone': 100,
      'm.room.server_acl': 100,
      'm.room.encryption': 100,
    },
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    invite: 0,
  };
}

export class ScriptedRoom {
  private readonly byId = new Map<string, DagEvent>();
  private readonly ordered: DagEvent[] = [];
  private readonly children = new Map<string, Set<string>>();
  private lastTs = 0;
  private roomIdValue: string;
  /** When set, make_join templates cite these prev events instead of the forward extremities. */
  joinTemplatePrevEvents: readonly string[] | undefined;

  private constructor(
    readonly version: PeerRoomVersion,
    private readonly keys: SigningKeyLookup,
    roomId: string,
  ) {
    this.roomIdValue = roomId;
  }

  /** Creates a room: create, creator's join, power levels, join rules, history visibility (+ name). */
  static create(keys: SigningKeyLookup, options: CreateRoomOptions): ScriptedRoom {
    const version = peerRoomVersion(options.version);
    const creatorServer = serverNameOf(options.creator);
    // v10/v11 room IDs are opaque; v12's comes from the create event, set below.
    const room = new ScriptedRoom(
      version,
      keys,
      version.roomIdFromCreateEvent
        ? ''
        : `!${randomBytes(12).toString('base64url')}:${creatorServer}`,
    );
    const createContent: PeerJsonObject = {
      room_version: version.id,
      ...(version.createHasCreatorField ? { creator: options.creator } : {}),
      ...options.createContent,
    };
    room.send({
      type: 'm.room.create',
      stateKey: '',
      sender: options.creator,
      content: createContent,
    });
    room.join(options.creator);
    room.sendState(options.creator, 'm.room.power_levels', '', {
      ...defaultPowerLevels(options.creator, version),
      ...options.powerLevels,
    });
    room.sendState(options.creator, 'm.room.join_rules', '', {
      join_rule: options.joinRule ?? 'public',
    });
    room.sendState(options.creator, 'm.room.history_visibility', '', {
      history_visibility: options.historyVisibility ?? 'shared',
    });
    if (options.name !== undefined) room.setName(options.creator, options.name);
    return room;
  }

  /**
   * A room another server created, learned from its events in stream order (each event's prev
   * events first): the peer then hosts it as a second resident. The demo federation uses this to
   * put the peer into a room a real Skein server generated, so the peer can serve it and author
   * the tricky events in it.
   */
  static adopt(
    keys: SigningKeyLookup,
    versionId: string,
    roomId: string,
    pdus: Iterable<PeerJsonObject>,
  ): ScriptedRoom {
    const room = new ScriptedRoom(peerRoomVersion(versionId), keys, roomId);
    for (const pdu of pdus) room.receive(pdu);
    return room;
  }

  get roomId(): string {
    return this.roomIdValue;
  }

  get createEvent(): DagEvent {
    const first = this.ordered[0];
    if (!first) throw new Error('the room has no create event');
    return first;
  }

  /** All events, in the order the peer learned them. */
  get events(): readonly DagEvent[] {
    return this.ordered;
  }

  has(eventId: string): boolean {
    return this.byId.has(eventId);
  }

  event(eventId: string): DagEvent {
    const event = this.byId.get(eventId);
    if (!event) throw new Error(`event ${eventId} is not in room ${this.roomId}`);
    return event;
  }

  findEvent(eventId: string): DagEvent | undefined {
    return this.byId.get(eventId);
  }

  /** Events no accepted event builds on (rejected events are never extremities). */
  forwardExtremities(): string[] {
    return this.ordered
      .filter(
        (e) =>
          !e.rejected &&
          ![...(this.children.get(e.eventId) ?? [])].some((c) => !this.event(c).rejected),
      )
      .map((e) => e.eventId);
  }

  currentState(): PeerStateMap {
    return this.mergeStates(this.forwardExtremities());
  }

  /** The current state event for (type, state_key), if any. */
  stateEvent(
    type: string,
    stateKey: string,
    state: PeerStateMap = this.currentState(),
  ): DagEvent | undefined {
    const id = state.get(stateKeyOf(type, stateKey));
    return id === undefined ? undefined : this.byId.get(id);
  }

  membership(userId: string, state: PeerStateMap = this.currentState()): string | undefined {
    const membership = this.stateEvent('m.room.member', userId, state)?.content['membership'];
    return typeof membership === 'string' ? membership : undefined;
  }

  /** The auth chain of `eventIds` (not including them unless cited), in learning order. */
  authChain(eventIds: Iterable<string>): DagEvent[] {
    const seen = new Set<string>();
    const queue = [...eventIds];
    let needsCreate = false;
    while (queue.length > 0) {
      const id = queue.pop() as string;
      const event = this.byId.get(id);
      if (!event) continue;
      if (event.type !== 'm.room.create') needsCreate = true;
      for (const authId of event.authEvents) {
        if (!seen.has(authId)) {
          seen.add(authId);
          queue.push(authId);
        }
      }
    }
    // v12 events do not cite the create event, but it is in every auth chain all the same.
    if (this.version.roomIdFromCreateEvent && needsCreate && this.ordered[0]) {
      seen.add(this.ordered[0].eventId);
    }
    return this.ordered.filter((e) => seen.has(e.eventId));
  }

  /** The state after a set of events, merged by the rule in the file comment. */
  mergeStates(prevEvents: readonly string[]): PeerStateMap {
    // One prev (nearly every event): its state as it is. Maps are never changed once stored, so
    // sharing them keeps adopting a generated 3,000-member room from copying millions of entries.
    if (prevEvents.length === 1) {
      return this.byId.get(prevEvents[0] as string)?.stateAfter ?? new Map<string, string>();
    }
    const merged = new Map<string, { id: string; index: number }>();
    for (const prev of prevEvents) {
      const event = this.byId.get(prev);
      if (!event) continue;
      for (const [key, id] of event.stateAfter) {
        const index = this.byId.get(id)?.index ?? -1;
        const existing = merged.get(key);
        if (!existing || index > existing.index) merged.set(key, { id, index });
      }
    }
    return new Map([...merged].map(([key, value]) => [key, value.id]));
  }

  private nextTs(requested: number | undefined): number {
    this.lastTs = requested ?? Math.max(Date.now(), this.lastTs + 1);
    return this.lastTs;
  }

  private add(
    eventId: string,
    pdu: PeerJsonObject,
    source: DagEvent['source'],
    options: { stateBefore?: PeerStateMap; rejected?: boolean },
  ): DagEvent {
    const existing = this.byId.get(eventId);
    if (existing) return existing;
    const prevEvents = stringList(pdu['prev_events']);
    const stateBefore = options.stateBefore ?? this.mergeStates(prevEvents);
    const type = String(pdu['type']);
    const stateKey = typeof pdu['state_key'] === 'string' ? pdu['state_key'] : undefined;
    const rejected = options.rejected ?? false;
    // A message (or a rejected event) changes nothing: it shares the state before (see mergeStates).
    const stateAfter =
      stateKey !== undefined && !rejected
        ? new Map(stateBefore).set(stateKeyOf(type, stateKey), eventId)
        : stateBefore;
    const event: DagEvent = {
      eventId,
      pdu,
      type,
      stateKey,
      sender: String(pdu['sender']),
      content: isPeerJsonObject(pdu['content']) ? pdu['content'] : {},
      depth: typeof pdu['depth'] === 'number' ? pdu['depth'] : 0,
      prevEvents,
      authEvents: stringList(pdu['auth_events']),
      stateBefore,
      stateAfter,
      rejected,
      source,
      index: this.ordered.length,
    };
    this.byId.set(eventId, event);
    this.ordered.push(event);
    for (const prev of prevEvents) {
      const set = this.children.get(prev) ?? new Set<string>();
      set.add(eventId);
      this.children.set(prev, set);
    }
    return event;
  }

  /** Authors, hashes and signs one event (the generic form of every helper below). */
  send(spec: EventSpec): DagEvent {
    const isCreate = spec.type === 'm.room.create' && this.ordered.length === 0;
    const prevEvents = spec.prevEvents ?? (isCreate ? [] : this.forwardExtremities());
    const stateBefore = spec.stateBefore ?? this.mergeStates(prevEvents);
    const authEvents =
      spec.authEvents ??
      selectAuthEvents(stateBefore, { ...spec, stateKey: spec.stateKey }, this.version);
    const depth =
      spec.depth ?? Math.max(0, ...prevEvents.map((id) => this.byId.get(id)?.depth ?? 0)) + 1;
    const unsignedPdu: PeerJsonObject = {
      type: spec.type,
      sender: spec.sender,
      content: cloneJson(spec.content),
      origin_server_ts: this.nextTs(spec.originServerTs),
      depth,
      prev_events: [...prevEvents],
      auth_events: [...authEvents],
      ...(spec.stateKey === undefined ? {} : { state_key: spec.stateKey }),
      // A v12 create event has no room_id: the room ID is derived from it (MSC4291).
      ...(isCreate && this.version.roomIdFromCreateEvent ? {} : { room_id: this.roomId }),
      ...spec.extraFields,
    };
    const origin = serverNameOf(spec.sender);
    const key = this.keys(origin);
    if (!key)
      throw new Error(`the peer holds no signing key for ${origin} (sender ${spec.sender})`);
    let { pdu } = hashAndSignPdu(unsignedPdu, origin, key, this.version);
    if (spec.tamper === 'hash') {
      pdu = {
        ...pdu,
        content: { ...(pdu['content'] as PeerJsonObject), 'org.skein.test_peer.tampered': true },
      };
    } else if (spec.tamper === 'signature') {
      pdu = {
        ...pdu,
        signatures: { [origin]: { [key.keyId]: signatureOf({ forged: true }, key) } },
      };
    }
    const eventId = eventIdOf(pdu, this.version);
    if (isCreate && this.version.roomIdFromCreateEvent)
      this.roomIdValue = roomIdFromCreateEventId(eventId);
    return this.add(eventId, pdu, 'script', {
      ...(spec.stateBefore ? { stateBefore: spec.stateBefore } : {}),
      rejected: spec.rejected ?? false,
    });
  }

  /** Stores an event another server sent (send_join, send_leave, /send); returns it. */
  receive(pdu: PeerJsonObject): DagEvent {
    return this.add(eventIdOf(pdu, this.version), pdu, 'received', {});
  }

  // ----- helpers for the common events -----

  sendState(
    sender: string,
    type: string,
    stateKey: string,
    content: PeerJsonObject,
    options: EventOptions = {},
  ): DagEvent {
    return this.send({ ...options, type, stateKey, sender, content });
  }

  sendMessage(sender: string, body: string, options: EventOptions = {}): DagEvent {
    return this.send({
      ...options,
      type: 'm.room.message',
      sender,
      content: { msgtype: 'm.text', body },
    });
  }

  private member(
    sender: string,
    target: string,
    membership: string,
    extra: PeerJsonObject,
    options: EventOptions,
  ): DagEvent {
    return this.sendState(sender, 'm.room.member', target, { ...extra, membership }, options);
  }

  join(userId: string, options: EventOptions & { displayname?: string } = {}): DagEvent {
    const { displayname, ...rest } = options;
    return this.member(
      userId,
      userId,
      'join',
      displayname === undefined ? {} : { displayname },
      rest,
    );
  }

  leave(userId: string, options: EventOptions = {}): DagEvent {
    return this.member(userId, userId, 'leave', {}, options);
  }

  invite(sender: string, target: string, options: EventOptions = {}): DagEvent {
    return this.member(sender, target, 'invite', {}, options);
  }

  kick(sender: string, target: string, reason?: string, options: EventOptions = {}): DagEvent {
    return this.member(sender, target, 'leave', reason === undefined ? {} : { reason }, options);
  }

  ban(sender: string, target: string, reason?: string, options: EventOptions = {}): DagEvent {
    return this.member(sender, target, 'ban', reason === undefined ? {} : { reason }, options);
  }

  /** New power levels: `change` gets a copy of the current content and returns the new one. */
  setPowerLevels(
    sender: string,
    change: (content: PeerJsonObject) => PeerJsonObject,
    options: EventOptions = {},
  ): DagEvent {
    const current = this.stateEvent('m.room.power_levels', '')?.content ?? {};
    return this.sendState(sender, 'm.room.power_levels', '', change(cloneJson(current)), options);
  }

  /** Sets one user's power level (a common case of setPowerLevels). */
  setUserPowerLevel(
    sender: string,
    userId: string,
    level: number,
    options: EventOptions = {},
  ): DagEvent {
    return this.setPowerLevels(
      sender,
      (content) => ({
        ...content,
        users: { ...(isPeerJsonObject(content['users']) ? content['users'] : {}), [userId]: level },
      }),
      options,
    );
  }

  setTopic(sender: string, topic: string, options: EventOptions = {}): DagEvent {
    return this.sendState(sender, 'm.room.topic', '', { topic }, options);
  }

  setName(sender: string, name: string, options: EventOptions = {}): DagEvent {
    return this.sendState(sender, 'm.room.name', '', { name }, options);
  }

  setJoinRule(sender: string, joinRule: string, options: EventOptions = {}): DagEvent {
    return this.sendState(sender, 'm.room.join_rules', '', { join_rule: joinRule }, options);
  }

  /**
   * The auth events an event would have cited right after `atEventId`: the tool for crafting an
   * event that cites stale auth (e.g. a user who left later acting on his old join).
   */
  authEventsAt(
    atEventId: string,
    event: { type: string; stateKey?: string; sender: string; content: PeerJsonObject },
  ): string[] {
    return selectAuthEvents(
      this.event(atEventId).stateAfter,
      { ...event, stateKey: event.stateKey },
      this.version,
    );
  }

  /** Users with membership `join` in `state`, and the servers they live on (sorted). */
  joinedServers(state: PeerStateMap = this.currentState()): string[] {
    const servers = new Set<string>();
    for (const [, id] of state) {
      const event = this.byId.get(id);
      if (
        event?.type === 'm.room.member' &&
        event.stateKey !== undefined &&
        event.content['membership'] === 'join'
      ) {
        servers.add(serverNameOf(event.stateKey));
      }
    }
    return [...servers].sort();
  }
}

function stringList(value: PeerJson | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
