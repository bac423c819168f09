/**
 * One run of the crash-safety harness (issue 7 §1): a `skein serve` joiner partially joins a
 * room the test peer hosts, receives events from it while partial, sends one of its own, and
 * resyncs — killed by SIGKILL at a chosen fault point, then restarted on the same data directory
 * without the hook, where the client and the resident retry what was not acknowledged (as a
 * user and a real resident would). What was on disk right after the kill and at the end is
 * checked against the peer's script, which is the truth.
 */
import BetterSqlite3 from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DagEvent } from '../demo/test-peer/dag-event';
import type { ScriptedRoom } from '../demo/test-peer/scripted-room';
import type { TestPeer } from '../demo/test-peer/test-peer';
import { DATABASE_FILE } from '../homeserver';
import { checkStorageInvariants } from '../storage/invariants';
import { startCrashJoiner } from './crash-joiner-process';
import type { CrashJoinerProcess } from './crash-joiner-process';
import { freePort } from './free-port';
import { requestJson } from './https-request';
import type { JsonResponse } from './https-request';
import { readCurrentState, readStateGroup } from './stored-state-reader';

const USERNAME = 'joiner';
const PASSWORD = 'crash harness password';
const CLIENT_TXN_ID = 'crash-harness-txn-1';
const CLIENT_BODY = 'sent by the joiner while partial';

/** A room for one run: `members` joined peer users and some history before the join. */
export function scriptCrashRoom(peer: TestPeer, index: number, members: number): ScriptedRoom {
  const room = peer.createRoom({ version: '12', name: `Crash room ${index}` });
  const alice = peer.user('alice');
  for (let i = 0; i < members; i++) {
    room.join(peer.user(`member${i}`));
    if (i % 10 === 9) room.sendMessage(alice, `history ${i}`);
  }
  return room;
}

export interface FaultLogLine {
  n: number;
  kind: 'transaction' | 'request' | 'response';
  label: string;
}

/** Parses a SKEIN_FAULT_LOG file: the points passed, and the one the process died at. */
export function readFaultLog(file: string): { points: FaultLogLine[]; killedAt?: FaultLogLine } {
  if (!existsSync(file)) return { points: [] };
  const points: FaultLogLine[] = [];
  let killedAt: FaultLogLine | undefined;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    const fields = line.split('\t');
    const killed = fields[0] === 'KILL';
    const [n, kind, label] = killed ? fields.slice(1) : fields;
    const parsed = { n: Number(n), kind: kind as FaultLogLine['kind'], label: label ?? '' };
    if (killed) killedAt = parsed;
    else points.push(parsed);
  }
  return { points, ...(killedAt ? { killedAt } : {}) };
}

/** What the client and the resident were told succeeded; all of it must survive any crash. */
interface Acknowledged {
  accessToken?: string;
  joinEventId?: string;
  peerEventIds: Set<string>;
  clientEventId?: string;
}

class JoinerDied extends Error {
  constructor() {
    super('the joiner process died');
    this.name = 'JoinerDied';
  }
}

export interface CrashRunReport {
  killAt: number | undefined;
  /** The fault point the process died at (undefined: it never reached `killAt`). */
  killedAt?: FaultLogLine;
  /** Whether /join had answered 200 before the kill. */
  joinAckedBeforeKill: boolean;
  /** Fault points passed (the whole dry run, or up to the kill). */
  points: FaultLogLine[];
  /** Everything that went wrong; empty when the run survived. */
  problems: string[];
  /** Milliseconds per phase, for keeping the harness fast. */
  timings: Record<string, number>;
}

export interface CrashRunOptions {
  peer: TestPeer;
  room: ScriptedRoom;
  workDir: string;
  /** Undefined for the dry run: no kill, fault points only logged. */
  killAt?: number;
}

/**
 * Runs one kill point end to end (or the dry run) and returns what went wrong. Never throws
 * for a crash-safety finding: findings go in `problems`, so every kill point is reported.
 */
export async function runCrashScenario(options: CrashRunOptions): Promise<CrashRunReport> {
  const { peer, room } = options;
  const dataDir = mkdtempSync(path.join(options.workDir, `joiner-${options.killAt ?? 'dry'}-`));
  const faultLog = path.join(dataDir, 'fault-points.log');
  const port = await freePort();
  const serverName = `127.0.0.1:${port}`;
  const acked: Acknowledged = { peerEventIds: new Set() };
  const scenario = new Scenario(peer, room, serverName, path.join(dataDir, DATABASE_FILE), acked);
  const problems: string[] = [];
  const timings: Record<string, number> = {};
  let phaseStart = Date.now();
  const phase = (name: string) => {
    timings[name] = Date.now() - phaseStart;
    phaseStart = Date.now();
  };

  const first = await startCrashJoiner({
    dataDir,
    port,
    serverName,
    faultLog,
    ...(options.killAt === undefined ? {} : { faultAt: options.killAt }),
  });
  phase('start');
  if (first.ready) {
    try {
      await scenario.drive(first.process);
      // Background work (delivering the client's event, presence) has fault points too.
      await Promise.race([first.process.exited, sleep(1_500)]);
    } catch (error) {
      if (!(error instanceof JoinerDied)) {
        problems.push(`the first run failed without a kill: ${(error as Error).message}`);
      }
    }
  }
  phase('firstRun');
  if (options.killAt === undefined) {
    await first.process.stop();
    problems.push(...scenario.finalChecks());
    return {
      killAt: undefined,
      joinAckedBeforeKill: true,
      points: readFaultLog(faultLog).points,
      problems,
      timings,
    };
  }
  if (first.process.alive()) {
    await first.process.stop();
    const log = readFaultLog(faultLog);
    return {
      killAt: options.killAt,
      joinAckedBeforeKill: acked.joinEventId !== undefined,
      points: log.points,
      timings,
      problems: [
        ...problems,
        `kill point ${options.killAt} was never reached (${log.points.length} points passed)`,
      ],
    };
  }
  const exit = await first.process.exited;
  const log = readFaultLog(faultLog);
  if (exit.signal !== 'SIGKILL' || !log.killedAt) {
    problems.push(
      `the joiner ended with ${exit.signal ?? `code ${exit.code}`} instead of the injected SIGKILL:\n${first.process.stderr().slice(-2_000)}`,
    );
  }
  const joinAckedBeforeKill = acked.joinEventId !== undefined;
  problems.push(...scenario.crashChecks(dataDir).map((p) => `right after the kill: ${p}`));

  phase('crashChecks');
  const second = await startCrashJoiner({ dataDir, port, serverName });
  phase('restart');
  if (!second.ready) {
    problems.push(`the restarted joiner died before ready:\n${second.process.stderr()}`);
    return {
      killAt: options.killAt,
      ...(log.killedAt ? { killedAt: log.killedAt } : {}),
      joinAckedBeforeKill,
      points: log.points,
      problems,
      timings,
    };
  }
  try {
    await scenario.drive(second.process);
  } catch (error) {
    problems.push(`recovery failed: ${(error as Error).message}\n${second.process.stderr()}`);
  }
  phase('recovery');
  await second.process.stop();
  phase('stop');
  problems.push(...scenario.finalChecks().map((p) => `after recovery: ${p}`));
  phase('finalChecks');
  return {
    killAt: options.killAt,
    ...(log.killedAt ? { killedAt: log.killedAt } : {}),
    joinAckedBeforeKill,
    points: log.points,
    problems,
    timings,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class Scenario {
  private peerBatches: DagEvent[][] | undefined;
  private readonly userId: string;

  constructor(
    private readonly peer: TestPeer,
    private readonly room: ScriptedRoom,
    private readonly serverName: string,
    private readonly databaseFile: string,
    private readonly acked: Acknowledged,
  ) {
    this.userId = `@${USERNAME}:${serverName}`;
  }

  /** Races `work` against the joiner's death, so a kill never leaves the scenario hanging. */
  private async guard<T>(joiner: CrashJoinerProcess, work: Promise<T>): Promise<T> {
    const died = joiner.exited.then(() => {
      throw new JoinerDied();
    });
    try {
      return await Promise.race([work, died]);
    } catch (error) {
      // A killed server's sockets reset a moment before its exit is seen.
      await Promise.race([joiner.exited, sleep(2_000)]);
      if (!joiner.alive()) throw new JoinerDied();
      throw error;
    }
  }

  private client(
    joiner: CrashJoinerProcess,
    method: string,
    pathAndQuery: string,
    body?: unknown,
  ): Promise<JsonResponse> {
    const headers: Record<string, string> = {};
    if (this.acked.accessToken !== undefined)
      headers['authorization'] = `Bearer ${this.acked.accessToken}`;
    return this.guard(
      joiner,
      requestJson(`${joiner.baseUrl}/_matrix/client/v3${pathAndQuery}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      }),
    );
  }

  /**
   * Register (or log in), join, take the resident's events, send one event, wait for the
   * resync to finish. Idempotent: after a restart it redoes only what was not acknowledged.
   */
  async drive(joiner: CrashJoinerProcess): Promise<void> {
    if (this.acked.accessToken === undefined) await this.signIn(joiner);

    if (this.acked.joinEventId === undefined) {
      const response = await this.client(
        joiner,
        'POST',
        `/join/${encodeURIComponent(this.room.roomId)}?server_name=${encodeURIComponent(this.peer.serverName)}`,
        {},
      );
      if (response.status !== 200)
        throw new Error(`/join answered ${response.status}: ${response.text}`);
      const join = this.room.stateEvent('m.room.member', this.userId);
      if (!join) throw new Error('/join answered 200 but the resident never saw a join');
      this.acked.joinEventId = join.eventId;
    }

    // What the resident sends while we are partial: messages, a topic, a new member.
    this.peerBatches ??= this.scriptPeerEvents();
    for (const batch of this.peerBatches) {
      if (batch.every((e) => this.acked.peerEventIds.has(e.eventId))) continue;
      const response = await this.guard(joiner, this.peer.sendTransaction(this.serverName, batch));
      const results = (response.body as { pdus?: Record<string, { error?: string }> }).pdus ?? {};
      for (const event of batch) {
        const result = results[event.eventId];
        if (result && result.error === undefined) this.acked.peerEventIds.add(event.eventId);
        else throw new Error(`/send refused ${event.eventId}: ${JSON.stringify(result)}`);
      }
    }

    // A client retry after a crash uses the same transaction ID: it must not duplicate.
    const sent = await this.client(
      joiner,
      'PUT',
      `/rooms/${encodeURIComponent(this.room.roomId)}/send/m.room.message/${CLIENT_TXN_ID}`,
      { msgtype: 'm.text', body: CLIENT_BODY },
    );
    if (sent.status !== 200) throw new Error(`/send answered ${sent.status}: ${sent.text}`);
    const eventId = (sent.body as { event_id: string }).event_id;
    if (this.acked.clientEventId !== undefined && this.acked.clientEventId !== eventId) {
      throw new Error(
        `retrying client transaction ${CLIENT_TXN_ID} gave ${eventId}, not ${this.acked.clientEventId}`,
      );
    }
    this.acked.clientEventId = eventId;

    await this.guard(joiner, this.resyncFinished(joiner));
    // The durable outbound queue delivers the client's event to the resident, crash or not.
    await this.guard(
      joiner,
      this.peer.waitForPdu(
        (pdu) =>
          pdu['room_id'] === this.room.roomId &&
          (pdu['content'] as { body?: unknown } | undefined)?.body === CLIENT_BODY,
        20_000,
      ),
    );
  }

  private async signIn(joiner: CrashJoinerProcess): Promise<void> {
    const registered = await this.client(joiner, 'POST', '/register', {
      username: USERNAME,
      password: PASSWORD,
      auth: { type: 'm.login.dummy' },
    });
    let body = registered.body as { access_token?: string; errcode?: string };
    if (registered.status === 400 && body.errcode === 'M_USER_IN_USE') {
      // The account committed before a kill took the answer with it: log in like a user would.
      const login = await this.client(joiner, 'POST', '/login', {
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: USERNAME },
        password: PASSWORD,
      });
      if (login.status !== 200) throw new Error(`/login answered ${login.status}: ${login.text}`);
      body = login.body as { access_token?: string };
    } else if (registered.status !== 200) {
      throw new Error(`/register answered ${registered.status}: ${registered.text}`);
    }
    if (body.access_token === undefined) throw new Error('no access token');
    this.acked.accessToken = body.access_token;
  }

  private scriptPeerEvents(): DagEvent[][] {
    const alice = this.peer.user('alice');
    return [
      [this.room.sendMessage(alice, 'after the join 1'), this.room.sendMessage(alice, 'after 2')],
      [
        this.room.setTopic(alice, 'set while the joiner is partial'),
        this.room.join(this.peer.user('latecomer')),
        this.room.sendMessage(this.peer.user('latecomer'), 'hello from the latecomer'),
      ],
    ];
  }

  private async resyncFinished(joiner: CrashJoinerProcess, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const done = this.withDatabase(this.databaseFile, { readonly: true }, (db) => {
        const partial = db
          .prepare('SELECT 1 FROM partial_state_rooms WHERE room_id = ?')
          .get(this.room.roomId);
        const joined = db
          .prepare(
            "SELECT 1 FROM current_memberships WHERE room_id = ? AND user_id = ? AND membership = 'join'",
          )
          .get(this.room.roomId, this.userId);
        return partial === undefined && joined !== undefined;
      });
      if (done) return;
      if (!joiner.alive()) throw new JoinerDied();
      if (Date.now() > deadline) throw new Error('the resync did not finish in time');
      await sleep(100);
    }
  }

  private withDatabase<T>(
    file: string,
    options: { readonly: boolean },
    read: (db: BetterSqlite3.Database) => T,
  ): T {
    const db = new BetterSqlite3(file, { readonly: options.readonly, fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  }

  /**
   * What the kill left on disk, inspected on a copy (so the restarted server does its own WAL
   * recovery): invariants, the join's atomicity, acknowledged events, and partial flags.
   */
  crashChecks(dataDir: string): string[] {
    const copyDir = mkdtempSync(path.join(dataDir, 'after-kill-'));
    for (const suffix of ['', '-wal', '-shm']) {
      const source = path.join(dataDir, DATABASE_FILE + suffix);
      if (existsSync(source)) copyFileSync(source, path.join(copyDir, DATABASE_FILE + suffix));
    }
    const file = path.join(copyDir, DATABASE_FILE);
    if (!existsSync(file)) return [];
    return this.withDatabase(file, { readonly: false }, (db) => [
      ...checkStorageInvariants(db),
      ...this.joinAtomicity(db),
      ...this.acknowledgedEventsStored(db),
      ...this.fullyStatedEventsMatchResident(db),
    ]);
  }

  /** After recovery (the server stopped): everything converged to the resident's truth. */
  finalChecks(): string[] {
    return this.withDatabase(this.databaseFile, { readonly: false }, (db) => {
      const problems = [
        ...checkStorageInvariants(db),
        ...this.acknowledgedEventsStored(db),
        ...this.fullyStatedEventsMatchResident(db),
      ];
      const partialEvents = db
        .prepare('SELECT count(*) AS n FROM partial_state_events WHERE room_id = ?')
        .get(this.room.roomId) as { n: number };
      if (partialEvents.n > 0) problems.push(`${partialEvents.n} events are still partial`);
      const finished = db
        .prepare('SELECT finished_ts FROM resync_progress WHERE room_id = ?')
        .get(this.room.roomId) as { finished_ts: number | null } | undefined;
      if (finished?.finished_ts == null) problems.push('the resync never recorded its end');
      const ours = readCurrentState(db, this.room.roomId);
      const theirs = this.room.currentState();
      const differing = [...new Set([...ours.keys(), ...theirs.keys()])].filter(
        (key) => ours.get(key) !== theirs.get(key),
      );
      if (differing.length > 0) {
        problems.push(
          `current state differs from the resident's at ${differing.length} keys, e.g. ${differing
            .slice(0, 3)
            .map((k) => `${k}: ours ${ours.get(k)} theirs ${theirs.get(k)}`)
            .join('; ')}`,
        );
      }
      const clientEvents = db
        .prepare(
          `SELECT count(*) AS n FROM events
            WHERE room_id = ? AND sender = ? AND type = 'm.room.message'
              AND json_extract(json, '$.content.body') = ?`,
        )
        .get(this.room.roomId, this.userId, CLIENT_BODY) as { n: number };
      if (clientEvents.n !== 1)
        problems.push(`the client's message is stored ${clientEvents.n} times, not once`);
      return problems;
    });
  }

  /**
   * J, its state, its partial_state_events row and the partial_state_rooms(_servers) rows
   * commit together: either all of them are there (or the resync already finished), or none.
   */
  private joinAtomicity(db: BetterSqlite3.Database): string[] {
    const roomId = this.room.roomId;
    const partialRoom = db
      .prepare('SELECT join_event_id FROM partial_state_rooms WHERE room_id = ?')
      .get(roomId) as { join_event_id: string | null } | undefined;
    const servers = db
      .prepare('SELECT count(*) AS n FROM partial_state_rooms_servers WHERE room_id = ?')
      .get(roomId) as { n: number };
    const partialEvents = db
      .prepare('SELECT count(*) AS n FROM partial_state_events WHERE room_id = ?')
      .get(roomId) as { n: number };
    const joins = db
      .prepare(
        `SELECT e.event_id AS id, s.event_id IS NOT NULL AS stated FROM events AS e
           LEFT JOIN event_state AS s ON s.event_id = e.event_id
          WHERE e.room_id = ? AND e.type = 'm.room.member' AND e.state_key = ? AND e.outlier = 0`,
      )
      .all(roomId, this.userId) as { id: string; stated: number }[];
    const finished = db
      .prepare('SELECT finished_ts FROM resync_progress WHERE room_id = ?')
      .get(roomId) as { finished_ts: number | null } | undefined;
    if (partialRoom) {
      const problems: string[] = [];
      if (servers.n === 0) problems.push('partial room without partial_state_rooms_servers rows');
      const j = joins.find((row) => row.id === partialRoom.join_event_id);
      if (!j?.stated) problems.push(`partial room whose J ${partialRoom.join_event_id} is missing`);
      return problems;
    }
    if (finished?.finished_ts != null) return [];
    const problems: string[] = [];
    if (joins.length > 0)
      problems.push(`J ${joins.map((j) => j.id).join(',')} stored without partial_state_rooms`);
    if (servers.n > 0 || partialEvents.n > 0)
      problems.push('partial-state rows stored without partial_state_rooms');
    return problems;
  }

  private acknowledgedEventsStored(db: BetterSqlite3.Database): string[] {
    const stored = db.prepare(
      'SELECT e.outlier AS outlier, s.event_id IS NOT NULL AS stated FROM events AS e LEFT JOIN event_state AS s ON s.event_id = e.event_id WHERE e.event_id = ?',
    );
    const problems: string[] = [];
    const expect = (eventId: string, what: string) => {
      const row = stored.get(eventId) as { outlier: number; stated: number } | undefined;
      if (!row || row.outlier === 1 || row.stated === 0)
        problems.push(`${what} ${eventId} was acknowledged but is not in the timeline`);
    };
    if (this.acked.joinEventId !== undefined) expect(this.acked.joinEventId, 'the join');
    for (const id of this.acked.peerEventIds) expect(id, "the resident's event");
    if (this.acked.clientEventId !== undefined)
      expect(this.acked.clientEventId, "the client's event");
    return problems;
  }

  /**
   * No event lost its partial flag without its full state: every timeline event of the room
   * that is not in partial_state_events has exactly the state before it that the resident's
   * script says (the state before an event = the merged state after its prev events).
   */
  private fullyStatedEventsMatchResident(db: BetterSqlite3.Database): string[] {
    const rows = db
      .prepare(
        `SELECT e.event_id AS id, e.json AS json, s.state_group_before AS before FROM events AS e
           JOIN event_state AS s ON s.event_id = e.event_id
          WHERE e.room_id = ? AND e.outlier = 0
            AND NOT EXISTS (SELECT 1 FROM partial_state_events AS p WHERE p.event_id = e.event_id)
            AND NOT EXISTS (SELECT 1 FROM rejections AS r WHERE r.event_id = e.event_id)`,
      )
      .all(this.room.roomId) as { id: string; json: string; before: number }[];
    const problems: string[] = [];
    for (const row of rows) {
      const known = this.room.findEvent(row.id);
      const prevs = (JSON.parse(row.json) as { prev_events?: string[] }).prev_events ?? [];
      if (!known && !prevs.every((id) => this.room.findEvent(id))) continue;
      const expected = known?.stateBefore ?? this.room.mergeStates(prevs);
      const actual = readStateGroup(db, row.before);
      const differing = [...new Set([...actual.keys(), ...expected.keys()])].filter(
        (key) => actual.get(key) !== expected.get(key),
      );
      if (differing.length > 0) {
        problems.push(
          `${row.id} is not partial but its state differs from the resident's at ${differing.length} keys (ours ${actual.size}, theirs ${expected.size}), e.g. ${differing[0]}`,
        );
      }
    }
    return problems;
  }
}
