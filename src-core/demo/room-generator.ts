/**
 * Seeds a resident Skein homeserver with a big room, fast: N members from M fake remote servers
 * plus history (messages, topic/displayname/power-level changes, leaves and rejoins, and a few
 * concurrent branches merged back together). For the join benchmarks, the demo federation and
 * `npm run gen-room`.
 *
 * Every event is built the way a real server would build it (auth events chosen by
 * `selectAuthEventIds`, hashed and signed with its origin's key, event ID from the reference
 * hash) and authorised against the state before it; events from fake servers verify because
 * their keys are put in the resident's key store (fake-servers.ts). The room itself is created
 * by the resident's own room creator; everything after goes through the event persister in big
 * batches, each event's state before being the state after its prev event (`after-event`), so
 * no state is resolved except where branches merge.
 */
import { performance } from 'node:perf_hooks';
import { selectAuthEventIds } from '../rules/auth/auth-event-selection';
import type { AuthStateLookup } from '../rules/auth/auth-types';
import { authorizeEvent } from '../rules/auth/authorize-event';
import type { Pdu } from '../rules/events/pdu';
import type { RoomEvent } from '../rules/events/room-event';
import { toRoomEvent } from '../rules/events/room-event';
import type { StateKey } from '../rules/events/state-map';
import { stateKey } from '../rules/events/state-map';
import { computeEventId } from '../rules/hashes/event-id';
import type { JsonObject } from '../rules/json';
import { isJsonObject } from '../rules/json';
import type { RoomVersion } from '../rules/room-versions';
import { DEFAULT_ROOM_VERSION, getRoomVersion } from '../rules/room-versions';
import { signEvent } from '../rules/signing/sign-event';
import type { SigningKey } from '../rules/signing/signing-key';
import type { TimelineEventToPersist } from '../rooms/event-persister';
import type { RoomServices } from '../rooms/room-services';
import type { HomeserverContext } from '../homeserver-context';
import { ServerKeyStore } from '../storage/server-key-store';
import type { Clock } from '../util/clock';
import { SeededRandom } from '../util/seeded-random';
import type { FakeServer } from './fake-servers';
import { fakeServers, trustFakeServerKeys } from './fake-servers';

/** What the generator needs of the resident: its identity, its rooms and its key store. */
export interface GeneratorResident {
  serverName: string;
  signingKey: SigningKey;
  rooms: RoomServices;
  serverKeys: ServerKeyStore;
  clock: Clock;
}

/** The generator's view of a running Homeserver. */
export function generatorResident(context: HomeserverContext): GeneratorResident {
  return {
    serverName: context.serverName,
    signingKey: context.signingKey,
    rooms: context.rooms,
    serverKeys: new ServerKeyStore(context.database),
    clock: context.clock,
  };
}

export interface RoomGeneratorOptions {
  /** Remote members joined at the end (N). */
  members: number;
  /** Fake remote servers they come from (M ≥ 1). */
  servers: number;
  /** Messages in the history (K). */
  messages: number;
  roomVersion?: string;
  seed?: number;
  /** Topic, displayname, power-level changes and leave/rejoin pairs. Default: 3 + (N+K)/500. */
  stateChanges?: number;
  /** Concurrent branches merged back (one with a conflicting topic). Default: min(5, N/20). */
  forks?: number;
  /** Events per `persist` call (one SQLite transaction). */
  batchSize?: number;
  /** Local part of the resident user who creates the room. */
  creatorLocalpart?: string;
}

export interface GeneratedRoom {
  roomId: string;
  version: RoomVersion;
  creator: string;
  fakeServers: FakeServer[];
  /** Every user joined at the end (the creator and the N remote members), sorted. */
  joinedMembers: string[];
  /** Events in the room, the creator's included. */
  eventCount: number;
  /** Time spent building (auth selection, hashing, signing, authorising) and persisting. */
  timings: { buildMs: number; persistMs: number; totalMs: number };
}

export class RoomGeneratorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoomGeneratorError';
  }
}

type Step = 'join' | 'message' | 'state' | 'fork';

const DEFAULT_BATCH_SIZE = 2_000;
const MESSAGE_WORDS = ['hello', 'matrix', 'federation', 'state', 'join', 'room', 'skein', 'event'];

/** Server index weights 1/(j+1): a few big servers and a long tail, as in real public rooms. */
function serverPicker(count: number, rng: SeededRandom): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let j = 0; j < count; j++) {
    total += 1 / (j + 1);
    cumulative.push(total);
  }
  return () => {
    const x = rng.next() * total;
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

class Generation {
  readonly version: RoomVersion;
  readonly rng: SeededRandom;
  readonly fakes: FakeServer[];
  readonly keyOf = new Map<string, SigningKey>();
  /** Current state as events, for auth selection and checks (one map; see `fork`). */
  readonly state = new Map<StateKey, RoomEvent>();
  /** Every state event ever in `state`, by ID: v1/v2 auth_events cite their hashes. */
  readonly stateEventsById = new Map<string, RoomEvent>();
  readonly joined: string[] = [];
  readonly joinedIndex = new Map<string, number>();
  readonly lookup: AuthStateLookup;
  tip!: RoomEvent;
  roomId = '';
  creator: string;
  pending: TimelineEventToPersist[] = [];
  eventCount = 0;
  ts = 0;
  buildMs = 0;
  persistMs = 0;

  constructor(
    readonly resident: GeneratorResident,
    readonly options: RoomGeneratorOptions,
  ) {
    this.version = getRoomVersion(options.roomVersion ?? DEFAULT_ROOM_VERSION);
    this.rng = new SeededRandom(options.seed ?? 1);
    this.fakes = fakeServers(options.seed ?? 1, options.servers);
    for (const fake of this.fakes) this.keyOf.set(fake.serverName, fake.signingKey);
    this.keyOf.set(resident.serverName, resident.signingKey);
    this.creator = `@${options.creatorLocalpart ?? 'room-generator'}:${resident.serverName}`;
    this.lookup = { get: (type, key) => this.state.get(stateKey(type, key)) };
  }

  /** Creates the room with the resident's own room creator and loads its state. */
  createRoom(): void {
    const { rooms } = this.resident;
    this.roomId = rooms.creator.create({
      creator: this.creator,
      version: this.version,
      preset: 'public_chat',
      name: `Generated room (${this.options.members} members, ${this.options.servers} servers)`,
      topic: 'generated',
      invite: [],
      initialState: [],
      creationContent: {},
      powerLevelContentOverride: undefined,
      isDirect: false,
    });
    for (const eventId of rooms.currentState.getCurrentState(this.roomId).values()) {
      const event = rooms.eventStore.getEvent(eventId);
      if (event?.stateKey === undefined) throw new RoomGeneratorError(`lost ${eventId}`);
      this.setState(event);
      this.eventCount++;
    }
    const [tipId, ...others] = rooms.eventStore.getForwardExtremities(this.roomId);
    const tip = tipId === undefined ? undefined : rooms.eventStore.getEvent(tipId);
    if (!tip || others.length > 0) throw new RoomGeneratorError('a new room should have one tip');
    this.tip = tip;
    this.joinedIndex.set(this.creator, -1);
    this.ts = Math.max(this.resident.clock.now(), tip.originServerTs + 1);
  }

  /** Builds, signs and authorises one event on top of `prevs`. */
  build(
    fields: { type: string; stateKey?: string; sender: string; content: JsonObject },
    prevs: readonly RoomEvent[],
  ): RoomEvent {
    const started = performance.now();
    const { version } = this;
    const origin = fields.sender.slice(fields.sender.indexOf(':') + 1);
    const key = this.keyOf.get(origin);
    if (!key) throw new RoomGeneratorError(`no signing key for ${origin}`);
    const authIds = selectAuthEventIds(
      fields.type,
      fields.stateKey,
      fields.sender,
      fields.content,
      version,
      this.lookup,
    );
    const v1 = version.eventIdFormat === 'v1';
    const hashesOf = (id: string): JsonObject => {
      const event = this.stateEventsById.get(id);
      if (!event) throw new RoomGeneratorError(`auth event ${id} is not in the generated state`);
      return event.pdu.hashes as unknown as JsonObject;
    };
    const template: JsonObject = {
      room_id: this.roomId,
      type: fields.type,
      sender: fields.sender,
      content: fields.content,
      depth: Math.max(...prevs.map((p) => p.depth)) + 1,
      origin_server_ts: this.ts++,
      prev_events: v1 ? prevs.map((p) => [p.eventId, p.pdu.hashes]) : prevs.map((p) => p.eventId),
      auth_events: v1 ? authIds.map((id) => [id, hashesOf(id)]) : authIds,
    };
    if (fields.stateKey !== undefined) template['state_key'] = fields.stateKey;
    if (v1) {
      // v1/v2 IDs are the origin's choice; the room's opaque part keeps them unique per room.
      template['event_id'] =
        `$g${this.eventCount}_${this.roomId.slice(1, this.roomId.indexOf(':'))}:${origin}`;
    }
    const pdu = signEvent(template, origin, key, version) as Pdu;
    const event = toRoomEvent(pdu, computeEventId(pdu, version), version);
    const verdict = authorizeEvent(event, this.lookup, version);
    if (!verdict.allowed) {
      throw new RoomGeneratorError(
        `generated ${fields.type} by ${fields.sender} is not allowed: ${verdict.reason}`,
      );
    }
    this.eventCount++;
    this.buildMs += performance.now() - started;
    return event;
  }

  /** Queues `event` (state before = state after its single prev) and applies it to `state`. */
  queue(event: RoomEvent, prev: RoomEvent): void {
    this.pending.push({ event, stateBefore: { kind: 'after-event', eventId: prev.eventId } });
    this.apply(event);
    if (this.pending.length >= (this.options.batchSize ?? DEFAULT_BATCH_SIZE)) this.flush();
  }

  setState(event: RoomEvent): void {
    if (event.stateKey === undefined) return;
    this.state.set(stateKey(event.type, event.stateKey), event);
    if (this.version.eventIdFormat === 'v1') this.stateEventsById.set(event.eventId, event);
  }

  apply(event: RoomEvent): void {
    this.setState(event);
    if (event.type !== 'm.room.member' || event.stateKey === undefined) return;
    const userId = event.stateKey;
    const isJoined = this.joinedIndex.has(userId);
    if (event.content['membership'] === 'join' && !isJoined) {
      this.joinedIndex.set(userId, this.joined.length);
      this.joined.push(userId);
    } else if (event.content['membership'] !== 'join' && isJoined) {
      // Swap-remove keeps leaves O(1) in a 50k-member list.
      const index = this.joinedIndex.get(userId) as number;
      const last = this.joined.pop() as string;
      if (last !== userId) {
        this.joined[index] = last;
        this.joinedIndex.set(last, index);
      }
      this.joinedIndex.delete(userId);
    }
  }

  /** Extends the main line by one event. */
  append(fields: { type: string; stateKey?: string; sender: string; content: JsonObject }): void {
    const prev = this.tip;
    const event = this.build(fields, [prev]);
    this.queue(event, prev);
    this.tip = event;
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const started = performance.now();
    const batch = this.pending;
    this.pending = [];
    this.resident.rooms.persister.persist({ timeline: batch });
    this.persistMs += performance.now() - started;
  }

  randomSender(): string {
    return this.joined.length === 0 ? this.creator : this.rng.pick(this.joined);
  }

  message(): JsonObject {
    const words = 3 + this.rng.below(8);
    const body: string[] = [];
    for (let i = 0; i < words; i++) body.push(this.rng.pick(MESSAGE_WORDS));
    return { msgtype: 'm.text', body: body.join(' ') };
  }

  memberContent(userId: string, membership: string, name?: string): JsonObject {
    return {
      membership,
      displayname: name ?? userId.slice(1, userId.indexOf(':')),
    };
  }

  /**
   * Two branches off the tip, each with a new member and another event, merged by the creator.
   * The branches touch disjoint auth-relevant state (their own joins), so one shared state map
   * serves both for auth selection; the merge's state comes from the resident's own state
   * resolution, which also settles the conflicting topics of the first fork.
   */
  fork(newMembers: readonly string[], conflictingTopic: boolean): void {
    const base = this.tip;
    const tips: RoomEvent[] = [];
    for (let branch = 0; branch < 2; branch++) {
      let prev = base;
      const joiner = newMembers[branch];
      const steps: { type: string; stateKey?: string; sender: string; content: JsonObject }[] = [];
      if (joiner !== undefined) {
        steps.push({
          type: 'm.room.member',
          stateKey: joiner,
          sender: joiner,
          content: this.memberContent(joiner, 'join'),
        });
      }
      steps.push(
        conflictingTopic
          ? {
              type: 'm.room.topic',
              stateKey: '',
              sender: this.creator,
              content: { topic: `branch ${branch} topic` },
            }
          : { type: 'm.room.message', sender: this.creator, content: this.message() },
      );
      for (const fields of steps) {
        const event = this.build(fields, [prev]);
        this.queue(event, prev);
        prev = event;
      }
      tips.push(prev);
    }
    // The merge's state is a resolution over both branches: persist them first.
    this.flush();
    const { rooms } = this.resident;
    const stateBefore = rooms.roomState.stateAfterEvents(
      this.version,
      tips.map((t) => t.eventId),
    );
    for (const [key, eventId] of stateBefore.state) {
      if (this.state.get(key)?.eventId === eventId) continue;
      const event = rooms.eventStore.getEvent(eventId);
      if (!event) throw new RoomGeneratorError(`resolved state names unknown ${eventId}`);
      this.setState(event);
    }
    const merge = this.build(
      {
        type: 'm.room.message',
        sender: this.creator,
        content: { msgtype: 'm.notice', body: 'merged' },
      },
      tips,
    );
    this.pending.push({ event: merge, stateBefore });
    this.tip = merge;
  }

  stateChange(index: number, pendingRejoins: string[]): void {
    const member = this.joined.length > 0 ? this.rng.pick(this.joined) : undefined;
    switch (member === undefined ? 0 : index % 4) {
      case 0:
        this.append({
          type: 'm.room.topic',
          stateKey: '',
          sender: this.creator,
          content: { topic: `topic ${index}` },
        });
        return;
      case 1: {
        const userId = member as string;
        this.append({
          type: 'm.room.member',
          stateKey: userId,
          sender: userId,
          content: this.memberContent(userId, 'join', `renamed ${index}`),
        });
        return;
      }
      case 2: {
        const userId = member as string;
        const current = this.state.get(stateKey('m.room.power_levels', ''));
        const content = current && isJsonObject(current.content) ? current.content : {};
        const users = isJsonObject(content['users']) ? content['users'] : {};
        this.append({
          type: 'm.room.power_levels',
          stateKey: '',
          sender: this.creator,
          content: { ...content, users: { ...users, [userId]: 50 } },
        });
        return;
      }
      default: {
        const userId = member as string;
        this.append({
          type: 'm.room.member',
          stateKey: userId,
          sender: userId,
          content: { membership: 'leave' },
        });
        pendingRejoins.push(userId);
      }
    }
  }
}

/** The remote user IDs of a generated room in join order, spread over the fake servers. */
function memberIds(fakes: readonly FakeServer[], count: number, rng: SeededRandom): string[] {
  const pickServer = serverPicker(fakes.length, rng);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    // Every server gets at least one member; the rest follow the skewed weights.
    const server = fakes[i < fakes.length ? i : pickServer()] as FakeServer;
    ids.push(`@u${i}:${server.serverName}`);
  }
  return ids;
}

/**
 * Generates the room into the resident (synchronous: SQLite work runs inline). Throws
 * RoomGeneratorError if a generated event would not be authorised, which would be a bug here.
 */
export function generateRoom(
  resident: GeneratorResident,
  options: RoomGeneratorOptions,
): GeneratedRoom {
  if (!Number.isInteger(options.members) || options.members < 0)
    throw new RoomGeneratorError(`members must be a non-negative integer, got ${options.members}`);
  if (!Number.isInteger(options.servers) || options.servers < 1)
    throw new RoomGeneratorError(`servers must be a positive integer, got ${options.servers}`);
  if (!Number.isInteger(options.messages) || options.messages < 0)
    throw new RoomGeneratorError(
      `messages must be a non-negative integer, got ${options.messages}`,
    );
  const started = performance.now();
  const gen = new Generation(resident, options);
  trustFakeServerKeys(resident.serverKeys, gen.fakes, resident.clock.now());
  gen.createRoom();

  const members = memberIds(gen.fakes, options.members, gen.rng);
  const stateChanges =
    options.stateChanges ?? 3 + Math.floor((options.members + options.messages) / 500);
  const forks = options.forks ?? Math.min(5, Math.floor(options.members / 20));
  const steps: Step[] = [];
  for (let i = 0; i < options.messages; i++) steps.push('message');
  for (let i = 0; i < stateChanges; i++) steps.push('state');
  for (let i = 0; i < forks; i++) steps.push('fork');
  // Joins come first in proportion: shuffle the rest into the join sequence.
  for (let i = 0; i < members.length; i++) steps.push('join');
  gen.rng.shuffle(steps);

  let nextMember = 0;
  let stateIndex = 0;
  let forkIndex = 0;
  const pendingRejoins: string[] = [];
  const joinMember = (userId: string): void =>
    gen.append({
      type: 'm.room.member',
      stateKey: userId,
      sender: userId,
      content: gen.memberContent(userId, 'join'),
    });
  for (const step of steps) {
    switch (step) {
      case 'join': {
        const rejoin = pendingRejoins.shift();
        if (rejoin !== undefined) joinMember(rejoin);
        const userId = members[nextMember];
        if (userId !== undefined) {
          nextMember++;
          joinMember(userId);
        }
        break;
      }
      case 'message':
        gen.append({ type: 'm.room.message', sender: gen.randomSender(), content: gen.message() });
        break;
      case 'state':
        gen.stateChange(stateIndex++, pendingRejoins);
        break;
      case 'fork': {
        const newMembers = members.slice(nextMember, nextMember + 2);
        nextMember += newMembers.length;
        gen.fork(newMembers, forkIndex++ === 0);
        break;
      }
    }
  }
  for (const userId of pendingRejoins) joinMember(userId);
  gen.flush();

  const joinedMembers = [...gen.joined, gen.creator].sort();
  return {
    roomId: gen.roomId,
    version: gen.version,
    creator: gen.creator,
    fakeServers: gen.fakes,
    joinedMembers,
    eventCount: gen.eventCount,
    timings: {
      buildMs: gen.buildMs,
      persistMs: gen.persistMs,
      totalMs: performance.now() - started,
    },
  };
}
