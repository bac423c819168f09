/**
 * Remote joins into big rooms (homeserver issue §6, faster-joins issue §6). For 10,000 and
 * 50,000 members, a resident is seeded once with a generated room (room-generator.ts; untimed),
 * then users on fresh in-process Skein servers join it over real HTTPS loopback federation:
 *   - partial join: client `POST /join` → 200, the joiner asking with omit_members=true
 *     (target ≤ 50 ms at 10k);
 *   - full join: the same with partial joins turned off (target ≤ 1.9 s at 10k);
 *   - resync: after some of the partial joins, the joiner's (paused) resync is resumed and timed
 *     until the room leaves partial state (target ≤ 1 s at 10k, ≤ 10 s at 50k), with the
 *     requests and bytes its progress counted;
 * plus the process's peak RSS (the harness's row covers the whole case, generation included;
 * `peak RSS, joins` covers the joins only). Every joiner is a fresh server, so each join is a
 * first join: it fetches the resident's key and stores the room from scratch. Resyncs start
 * paused (config.resync.startPaused) so one join's background work never overlaps the next.
 */
import type { GeneratedRoom } from '../../src-core/demo/room-generator';
import { generateRoom, generatorResident } from '../../src-core/demo/room-generator';
import { trustFakeServerKeys } from '../../src-core/demo/fake-servers';
import type { FederationRemoteMembership } from '../../src-core/federation-membership/federation-remote-membership';
import type { Homeserver } from '../../src-core/homeserver';
import { ServerKeyStore } from '../../src-core/storage/server-key-store';
import { expectStatus, registerUser } from '../../src-core/testing/matrix-test-client';
import { startTestHomeserver } from '../../src-core/testing/test-homeserver';
import type { BenchmarkCase, BenchmarkSuite, CaseContext, Measurement } from '../benchmark-suite';
import { summarise } from '../timing';

const PARTIAL_JOIN_TARGET_MS = 50;
const FULL_JOIN_TARGET_MS = 1_900;
const MB = 1024 * 1024;

interface JoinSize {
  members: number;
  servers: number;
  messages: number;
  partialRuns: number;
  fullRuns: number;
  /** How many of the timed partial joins (plus the warm-up one) are followed by a timed resync. */
  resyncRuns: number;
  /** Targets are given for 10k (the resync also has one at 50k). */
  targets: boolean;
  resyncTargetMs: number;
}

const SIZES: readonly JoinSize[] = [
  {
    members: 10_000,
    servers: 50,
    messages: 2_000,
    partialRuns: 5,
    fullRuns: 3,
    resyncRuns: 3,
    targets: true,
    resyncTargetMs: 1_000,
  },
  {
    members: 50_000,
    servers: 100,
    messages: 5_000,
    partialRuns: 3,
    fullRuns: 2,
    resyncRuns: 1,
    targets: false,
    resyncTargetMs: 10_000,
  },
];

/** Samples RSS every 25 ms until stopped; the harness's own figure also spans generation. */
function rssSampler(ctx: CaseContext): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    ctx.sampleRss();
  }, 25);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/**
 * One join by a new user on a fresh server; returns the client-observed latency. The joiner
 * trusts the fake servers' keys as the resident does (fake-servers.ts).
 */
interface ResyncResult {
  ms: number;
  requests: number;
  bytes: number;
  peakRss: number;
}

/**
 * Resumes the joiner's paused resync and times it until the room is fully stated; checks that
 * the joiner then holds every member.
 */
async function timedResync(
  joiner: Homeserver,
  room: GeneratedRoom,
  ctx: CaseContext,
): Promise<ResyncResult> {
  const resync = joiner.context.resync.get(room.roomId);
  if (!resync) throw new Error('the partial join started no resync');
  const sampler = rssSampler(ctx);
  let peakRss = 0;
  const started = performance.now();
  try {
    const done = joiner.context.resync.awaitFullState(room.roomId);
    resync.resume();
    await done;
  } finally {
    peakRss = sampler.stop();
  }
  const ms = performance.now() - started;
  if (joiner.context.rooms.partialState.isPartialRoom(room.roomId))
    throw new Error('the resync ended with the room still partial');
  const progress = resync.progress();
  if (progress.phase !== 'complete') throw new Error(`resync ended in phase ${progress.phase}`);
  const stateEvents = joiner.context.rooms.currentState.getCurrentState(room.roomId).size;
  if (stateEvents < room.joinedMembers.length)
    throw new Error(
      `after the resync the joiner holds ${stateEvents} state events for ${room.joinedMembers.length} members`,
    );
  return { ms, requests: progress.requests, bytes: progress.bytes, peakRss };
}

async function timedJoin(
  resident: Homeserver,
  room: GeneratedRoom,
  partial: boolean,
  resyncCtx?: CaseContext,
): Promise<{ ms: number; stateEvents: number; resync?: ResyncResult }> {
  // The joiner's resync starts paused: it would otherwise fetch the full state from the resident
  // right after the 200, and that work would land in the next join's measurement.
  const joiner = await startTestHomeserver({
    configure: (config) => {
      config.resync.startPaused = true;
      // Earlier joiners are stopped, yet their join events are in the room (the prev event the
      // resync asks about is the previous joiner's): their keys come from the resident, acting
      // as notary as a trusted key server would.
      config.federation.notaryServers = [resident.config.serverName];
    },
  });
  try {
    trustFakeServerKeys(
      new ServerKeyStore(joiner.context.database),
      room.fakeServers,
      joiner.context.clock.now(),
    );
    (joiner.context.rooms.remoteMembership as FederationRemoteMembership).setPartialJoins(partial);
    const user = await registerUser(joiner, 'joiner');
    const path = `/join/${encodeURIComponent(room.roomId)}?server_name=${encodeURIComponent(resident.config.serverName)}`;
    const started = performance.now();
    const response = await user.call('POST', path, {});
    const ms = performance.now() - started;
    expectStatus(response, 200);
    const isPartial = joiner.context.rooms.partialState.isPartialRoom(room.roomId);
    if (isPartial !== partial)
      throw new Error(`asked for a ${partial ? 'partial' : 'full'} join, got the other kind`);
    const stateEvents = joiner.context.rooms.currentState.getCurrentState(room.roomId).size;
    if (!partial && stateEvents < room.joinedMembers.length)
      throw new Error(
        `full join holds ${stateEvents} state events for ${room.joinedMembers.length} members`,
      );
    const resync = resyncCtx && partial ? await timedResync(joiner, room, resyncCtx) : undefined;
    return { ms, stateEvents, ...(resync ? { resync } : {}) };
  } finally {
    await joiner.stop();
  }
}

async function joinRuns(
  resident: Homeserver,
  room: GeneratedRoom,
  partial: boolean,
  runs: number,
  ctx: CaseContext,
  resyncRuns = 0,
): Promise<{ samples: number[]; stateEvents: number; resyncs: ResyncResult[] }> {
  // One untimed join first: the JIT compiles the join path (all joiners share this process),
  // and the resync path too when resyncs are timed.
  await timedJoin(resident, room, partial, resyncRuns > 0 ? ctx : undefined);
  const samples: number[] = [];
  const resyncs: ResyncResult[] = [];
  let stateEvents = 0;
  for (let i = 0; i < runs; i++) {
    const result = await timedJoin(resident, room, partial, i < resyncRuns ? ctx : undefined);
    samples.push(result.ms);
    stateEvents = result.stateEvents;
    if (result.resync) resyncs.push(result.resync);
    ctx.sampleRss();
  }
  return { samples, stateEvents, resyncs };
}

/** The resync rows: duration against the faster-joins issue's target, traffic, peak RSS. */
function resyncRows(size: JoinSize, resyncs: readonly ResyncResult[]): Measurement[] {
  if (resyncs.length === 0) return [];
  const stats = summarise(resyncs.map((r) => r.ms));
  const last = resyncs[resyncs.length - 1] as ResyncResult;
  return [
    {
      metric: `resync median of ${resyncs.length}`,
      value: stats.medianMs,
      unit: 'ms',
      lowerIsBetter: true,
      target: size.resyncTargetMs,
    },
    { metric: 'resync max', value: stats.maxMs, unit: 'ms', lowerIsBetter: true },
    { metric: 'resync requests', value: last.requests, unit: 'requests', lowerIsBetter: true },
    { metric: 'resync bytes', value: last.bytes / MB, unit: 'MB', lowerIsBetter: true },
    {
      metric: 'peak RSS, resync',
      value: Math.max(...resyncs.map((r) => r.peakRss)) / MB,
      unit: 'MB',
      lowerIsBetter: true,
    },
  ];
}

function joinCase(size: JoinSize): BenchmarkCase {
  const label = size.members.toLocaleString('en-US');
  return {
    name: `joins, ${label}-member room`,
    async run(ctx) {
      const resident = await startTestHomeserver();
      try {
        const room = generateRoom(generatorResident(resident.context), {
          members: size.members,
          servers: size.servers,
          messages: size.messages,
          seed: 1,
        });
        ctx.sampleRss();
        const rssAfterGeneration = process.memoryUsage.rss();
        const sampler = rssSampler(ctx);
        let peakDuringJoins = 0;
        let partial;
        let full;
        try {
          partial = await joinRuns(resident, room, true, size.partialRuns, ctx, size.resyncRuns);
          full = await joinRuns(resident, room, false, size.fullRuns, ctx);
        } finally {
          peakDuringJoins = sampler.stop();
        }
        const partialStats = summarise(partial.samples);
        const fullStats = summarise(full.samples);
        const target = (ms: number): { target?: number } => (size.targets ? { target: ms } : {});
        return [
          {
            metric: 'generate room (untimed setup)',
            value: room.timings.totalMs,
            unit: 'ms',
            lowerIsBetter: true,
          },
          {
            metric: `partial /join median of ${size.partialRuns}`,
            value: partialStats.medianMs,
            unit: 'ms',
            lowerIsBetter: true,
            ...target(PARTIAL_JOIN_TARGET_MS),
          },
          {
            metric: 'partial /join max',
            value: partialStats.maxMs,
            unit: 'ms',
            lowerIsBetter: true,
          },
          {
            metric: 'partial join state events',
            value: partial.stateEvents,
            unit: 'events',
            lowerIsBetter: true,
          },
          {
            metric: `full /join median of ${size.fullRuns}`,
            value: fullStats.medianMs,
            unit: 'ms',
            lowerIsBetter: true,
            ...target(FULL_JOIN_TARGET_MS),
          },
          { metric: 'full /join max', value: fullStats.maxMs, unit: 'ms', lowerIsBetter: true },
          {
            metric: 'full join state events',
            value: full.stateEvents,
            unit: 'events',
            lowerIsBetter: true,
          },
          ...resyncRows(size, partial.resyncs),
          {
            metric: 'RSS after generation',
            value: rssAfterGeneration / MB,
            unit: 'MB',
            lowerIsBetter: true,
          },
          {
            metric: 'peak RSS, joins',
            value: peakDuringJoins / MB,
            unit: 'MB',
            lowerIsBetter: true,
          },
        ];
      } finally {
        await resident.stop();
      }
    },
  };
}

export const joinsSuite: BenchmarkSuite = {
  name: 'joins',
  description: 'partial and full remote joins into generated 10k- and 50k-member rooms',
  cases: SIZES.map(joinCase),
};
