/**
 * Test support for the hostile-peer matrix: one Skein server and two scripted residents of the
 * same room, `good` and `bad`. The bad one answers one endpoint with one fault per case; Skein
 * must refuse it, move on to the good one, back off, and end with the good resident's state.
 *
 * Both residents serve the very same ScriptedRoom object (the good peer speaks for the bad
 * peer's user, so the bad peer is in `servers_in_room`), so a join one of them takes in is
 * known to the other.
 */
import { expect } from 'vitest';
import type { DagEvent } from '../demo/test-peer/dag-event';
import type { PeerEndpoint } from '../demo/test-peer/peer-endpoints';
import type { PeerJson, PeerJsonObject } from '../demo/test-peer/peer-json';
import type { ScriptedRoom } from '../demo/test-peer/scripted-room';
import { TestPeer } from '../demo/test-peer/test-peer';
import type { Homeserver } from '../homeserver';
import type { LogFields, Logger } from '../logging/logger';
import type { TestUser } from '../testing/matrix-test-client';
import { expectStatus, registerUser } from '../testing/matrix-test-client';
import { startTestHomeserver } from '../testing/test-homeserver';

/** Skein's limits in these tests: a held answer fails fast, 1 MiB is "huge". */
export const TEST_TIMEOUT_MS = 600;
export const TEST_LARGE_MAX_BYTES = 512 * 1024;
export const HUGE_BODY_BYTES = 1536 * 1024;

export interface CapturedLog {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}

/** A logger that keeps every line (with its children's fields) for assertions. */
export function capturingLogger(lines: CapturedLog[], base: LogFields = {}): Logger {
  const at =
    (level: CapturedLog['level']) =>
    (message: string, fields?: LogFields): void => {
      lines.push({ level, message, fields: { ...base, ...fields } });
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => capturingLogger(lines, { ...base, ...fields }),
  };
}

export interface HostileSetup {
  skein: Homeserver;
  good: TestPeer;
  bad: TestPeer;
  user: TestUser;
  logs: CapturedLog[];
}

export async function startHostileSetup(): Promise<HostileSetup> {
  const logs: CapturedLog[] = [];
  const [good, bad, skein] = await Promise.all([
    TestPeer.start(),
    TestPeer.start(),
    startTestHomeserver({
      logger: capturingLogger(logs),
      configure: (config) => {
        // Each case arms its fault before the resync makes its first request.
        config.resync.startPaused = true;
        config.federation.roomRequests = {
          timeoutMs: TEST_TIMEOUT_MS,
          largeTimeoutMs: TEST_TIMEOUT_MS,
          largeMaxBytes: TEST_LARGE_MAX_BYTES,
        };
      },
    }),
  ]);
  good.speakFor(bad);
  const user = await registerUser(skein, 'joiner');
  return { skein, good, bad, user, logs };
}

export async function stopHostileSetup(setup: HostileSetup | undefined): Promise<void> {
  if (!setup) return;
  setup.good.clearFaults();
  setup.bad.clearFaults();
  await Promise.all([setup.skein.stop(), setup.good.stop(), setup.bad.stop()]);
}

/** Lets `peer` serve a room another peer scripts (TestPeer keeps its rooms private). */
function serveAlso(peer: TestPeer, room: ScriptedRoom): void {
  (peer as unknown as { hosted: Map<string, ScriptedRoom> }).hosted.set(room.roomId, room);
}

/**
 * `members`: eight members the partial join omits, so the resync fetches the whole `/state`.
 * `state`: thirty filler state events we get at the join and only the bad peer's member
 * missing, so the resync fetches the few missing events with `/event`.
 */
export type RoomShape = 'members' | 'state';

export interface HostileRoom {
  room: ScriptedRoom;
  /** The event J will cite: its state is what the resync asks for. */
  last: DagEvent;
  /** The bad peer's user's join: the member every partial join lacks. */
  malloryJoin: DagEvent;
  /** Mallory raising himself to 100: well signed, fails auth. */
  forgedPowerLevels: DagEvent;
  /** Alice "joining" for mallory: well signed, fails auth, same state key as mallory's join. */
  forgedMalloryJoin: DagEvent;
  /** Another room's create event. */
  otherCreate: DagEvent;
}

export function scriptRoom(setup: HostileSetup, shape: RoomShape): HostileRoom {
  const { good, bad } = setup;
  const room = good.createRoom({ version: '11', name: 'Hostile' });
  serveAlso(bad, room);
  const alice = good.user('alice');
  const mallory = bad.user('mallory');
  const malloryJoin = room.join(mallory, { displayname: 'Mallory' });
  if (shape === 'members') for (let i = 0; i < 8; i++) room.join(good.user(`member${i}`));
  else for (let i = 0; i < 30; i++) room.sendState(alice, 'org.example.filler', `k${i}`, { i });
  const last = room.sendMessage(alice, 'before the join');
  const pl = room.stateEvent('m.room.power_levels', '');
  if (!pl) throw new Error('the scripted room has no power levels');
  const forgedPowerLevels = room.send({
    type: 'm.room.power_levels',
    stateKey: '',
    sender: mallory,
    content: { ...pl.content, users: { ...(pl.content['users'] as object), [mallory]: 100 } },
    prevEvents: [last.eventId],
    rejected: true,
  });
  const forgedMalloryJoin = room.send({
    type: 'm.room.member',
    stateKey: mallory,
    sender: alice,
    content: { membership: 'join', displayname: 'Not Mallory' },
    prevEvents: [last.eventId],
    rejected: true,
  });
  const otherCreate = good.createRoom({ version: '11' }).createEvent;
  return { room, last, malloryJoin, forgedPowerLevels, forgedMalloryJoin, otherCreate };
}

export async function joinVia(setup: HostileSetup, room: ScriptedRoom, via: TestPeer[]) {
  const query = via.map((p) => `server_name=${encodeURIComponent(p.serverName)}`).join('&');
  return setup.user.call('POST', `/join/${encodeURIComponent(room.roomId)}?${query}`, {});
}

export async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// ----- bodies a hostile resident sends -----

const clone = <T extends PeerJson>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The same PDU with one signature changed: same event ID, signature no longer verifies. */
export function withBadSignature(pdu: PeerJsonObject): PeerJsonObject {
  const copy = clone(pdu);
  const signatures = copy['signatures'] as Record<string, Record<string, string>>;
  for (const keys of Object.values(signatures)) {
    for (const [keyId, signature] of Object.entries(keys)) {
      keys[keyId] = (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1);
    }
  }
  return copy;
}

/** The same PDU with content the hashes do not cover changed (receivers must redact it). */
export function withBadHash(pdu: PeerJsonObject, field: string, value: string): PeerJsonObject {
  const copy = clone(pdu);
  (copy['content'] as PeerJsonObject)[field] = value;
  return copy;
}

/** Valid JSON far over Skein's size caps. */
export function hugeBody(field: string): string {
  return `{"${field}": [], "padding": "${'x'.repeat(HUGE_BODY_BYTES)}"}`;
}

/** What the good resident really answers (a peer may ask itself). */
export async function genuine(peer: TestPeer, uri: string): Promise<PeerJsonObject> {
  const response = await peer.federationRequest(peer.serverName, 'GET', uri);
  if (response.status !== 200) throw new Error(`${uri}: ${response.status} ${response.text}`);
  return response.body as PeerJsonObject;
}

export function stateUri(kind: 'state' | 'state_ids', room: ScriptedRoom, at: string): string {
  return `/_matrix/federation/v1/${kind}/${encodeURIComponent(room.roomId)}?event_id=${encodeURIComponent(at)}`;
}

/** Replaces, by event ID, entries of a PDU list (or of an ID list). */
export function replaceIn<T extends PeerJson>(list: T[], match: (item: T) => boolean, by: T): T[] {
  let replaced = false;
  const result = list.map((item) => {
    if (!match(item)) return item;
    replaced = true;
    return by;
  });
  if (!replaced) throw new Error('nothing to replace');
  return result;
}

export const idOf = (pdu: PeerJson): string | undefined =>
  (pdu as { event_id?: string } | null)?.event_id;

/** A fault is armed on the bad peer; some need several endpoints armed consistently. */
export type Arm = (setup: HostileSetup, scripted: HostileRoom) => Promise<void> | void;

export interface FaultCase {
  endpoint: PeerEndpoint;
  fault: string;
  arm: Arm;
  /**
   * `refused` (default): the bad answer is not used; `redacted`: a hash mismatch, which the
   * spec says to keep in redacted form (check 3), so the bad peer's answer is used redacted.
   */
  outcome?: 'refused' | 'redacted';
  /** For `redacted`: the event whose tampered content must not be stored, and the field. */
  tampered?: (scripted: HostileRoom) => { eventId: string; field: string };
}

/** The transport faults every endpoint gets. */
export function transportFaults(endpoint: PeerEndpoint, field: string): FaultCase[] {
  return [
    { endpoint, fault: 'times out', arm: ({ bad }) => void bad.hold(endpoint) },
    { endpoint, fault: 'answers 500', arm: ({ bad }) => bad.fail(endpoint, 500, 'M_UNKNOWN') },
    { endpoint, fault: 'closes the connection', arm: ({ bad }) => bad.closeConnection(endpoint) },
    {
      endpoint,
      fault: 'sends truncated JSON',
      arm: ({ bad }) => bad.respondWith(endpoint, `{"${field}": [{"type": "m.room.cr`),
    },
    {
      endpoint,
      fault: 'sends invalid JSON',
      arm: ({ bad }) => bad.respondWith(endpoint, `{"${field}": [1, 2,, ]} trailing`),
    },
    {
      endpoint,
      fault: 'sends the wrong shape',
      arm: ({ bad }) => bad.respondWith(endpoint, { [field]: 'not a list', event: 7 }),
    },
    {
      endpoint,
      fault: 'sends a huge body',
      arm: ({ bad }) => bad.respondWith(endpoint, hugeBody(field)),
    },
  ];
}

/** State as a list of `[type, state_key] → event ID` entries, for comparing. */
export function skeinStateIds(setup: HostileSetup, roomId: string): string[] {
  return [...setup.skein.context.rooms.currentState.getCurrentState(roomId).values()].sort();
}

export function peerStateIds(room: ScriptedRoom): string[] {
  return [...room.currentState().values()].sort();
}

/** After the resync: Skein's room state is the good resident's, nothing partial or reset. */
export function expectFinishedLikeGood(setup: HostileSetup, scripted: HostileRoom): void {
  const { rooms, resync } = setup.skein.context;
  const roomId = scripted.room.roomId;
  expect(rooms.partialState.isPartialRoom(roomId)).toBe(false);
  expect(skeinStateIds(setup, roomId)).toEqual(peerStateIds(scripted.room));
  // Nothing was flipped or reset on account of the bad answers.
  expect(resync.progress(roomId)?.resets ?? 0).toBe(0);
  for (const id of skeinStateIds(setup, roomId))
    expect(rooms.eventStore.isRejected(id), `state event ${id} rejected`).toBe(false);
  expect(rooms.eventStore.isRejected(scripted.malloryJoin.eventId)).toBe(false);
}

export function expectStatusOk(response: Awaited<ReturnType<TestUser['call']>>): void {
  expectStatus(response, 200);
}

/** Log lines that name the bad peer, for "rejected with a logged reason". */
export function linesAbout(setup: HostileSetup, since: number): CapturedLog[] {
  const name = setup.bad.serverName;
  return setup.logs
    .slice(since)
    .filter(
      (l) =>
        (l.level === 'warn' || l.level === 'info') &&
        JSON.stringify(l.fields).includes(name) &&
        l.message !== 'joined remote room',
    );
}
