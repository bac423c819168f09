/**
 * Writing events (homeserver issue §6): how fast a resident persists
 *   1. local messages sent one by one through `rooms.sender.send` (build, authorise, persist,
 *      one transaction each), in a small room and in a 10,000-member room;
 *   2. generated events in big batches (the room generator: sign + persist, 2,000 events per
 *      transaction), for a 10,000-member room (target: a few seconds, we budget 5 s).
 * Each case runs its own in-process homeserver on a fresh data dir.
 */
import { generateRoom, generatorResident } from '../../src-core/demo/room-generator';
import type { GeneratedRoom } from '../../src-core/demo/room-generator';
import type { Homeserver } from '../../src-core/homeserver';
import { getRoomVersion } from '../../src-core/rules/room-versions';
import { startTestHomeserver } from '../../src-core/testing/test-homeserver';
import type { BenchmarkCase, BenchmarkSuite, Measurement } from '../benchmark-suite';
import { perSecond, timeIt } from '../timing';

const SENDS_PER_RUN = 500;
const GENERATED_MEMBERS = 10_000;
const GENERATED_SERVERS = 20;
const GENERATED_MESSAGES = 2_000;
const GENERATE_10K_TARGET_MS = 5_000;

async function withServer<T>(work: (server: Homeserver) => Promise<T>): Promise<T> {
  const server = await startTestHomeserver();
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

function generate(server: Homeserver, members: number): GeneratedRoom {
  return generateRoom(generatorResident(server.context), {
    members,
    servers: GENERATED_SERVERS,
    messages: GENERATED_MESSAGES,
    seed: 1,
  });
}

/** Times batches of local message sends by `sender` into `roomId`. */
async function sendRows(
  server: Homeserver,
  roomId: string,
  sender: string,
  ctx: Parameters<BenchmarkCase['run']>[0],
): Promise<Measurement[]> {
  const { rooms } = server.context;
  let n = 0;
  const stats = await timeIt(
    () => {
      for (let i = 0; i < SENDS_PER_RUN; i++) {
        rooms.sender.send({
          roomId,
          type: 'm.room.message',
          sender,
          content: { msgtype: 'm.text', body: `message ${n++}` },
        });
      }
    },
    { warmup: 1, iterations: 5, ctx },
  );
  return [
    {
      metric: 'throughput',
      value: perSecond(SENDS_PER_RUN, stats.medianMs),
      unit: 'events/s',
      lowerIsBetter: false,
    },
    {
      metric: 'per event (median run)',
      value: stats.medianMs / SENDS_PER_RUN,
      unit: 'ms',
      lowerIsBetter: true,
    },
  ];
}

const localSendsSmallRoom: BenchmarkCase = {
  name: 'local sends, small room',
  run: (ctx) =>
    withServer(async (server) => {
      const creator = `@bench:${server.context.serverName}`;
      const roomId = server.context.rooms.creator.create({
        creator,
        version: getRoomVersion('12'),
        preset: 'public_chat',
        invite: [],
        initialState: [],
        creationContent: {},
        powerLevelContentOverride: undefined,
        isDirect: false,
      });
      return sendRows(server, roomId, creator, ctx);
    }),
};

const localSendsBigRoom: BenchmarkCase = {
  name: `local sends, ${GENERATED_MEMBERS.toLocaleString('en-US')}-member room`,
  run: (ctx) =>
    withServer(async (server) => {
      const room = generate(server, GENERATED_MEMBERS);
      ctx.sampleRss();
      return sendRows(server, room.roomId, room.creator, ctx);
    }),
};

const batchedGeneration: BenchmarkCase = {
  name: `generate a ${GENERATED_MEMBERS.toLocaleString('en-US')}-member room (batched persist)`,
  run: (ctx) =>
    withServer(async (server) => {
      const room = generate(server, GENERATED_MEMBERS);
      ctx.sampleRss();
      const joined = server.context.rooms.currentState.members(room.roomId, 'join').length;
      if (joined !== GENERATED_MEMBERS + 1)
        throw new Error(`expected ${GENERATED_MEMBERS + 1} joined members, found ${joined}`);
      const { buildMs, persistMs, totalMs } = room.timings;
      return [
        {
          metric: 'total',
          value: totalMs,
          unit: 'ms',
          target: GENERATE_10K_TARGET_MS,
          lowerIsBetter: true,
        },
        { metric: 'events', value: room.eventCount, unit: 'events', lowerIsBetter: true },
        {
          metric: 'persist throughput',
          value: perSecond(room.eventCount, persistMs),
          unit: 'events/s',
          lowerIsBetter: false,
        },
        {
          metric: 'build+sign throughput',
          value: perSecond(room.eventCount, buildMs),
          unit: 'events/s',
          lowerIsBetter: false,
        },
      ];
    }),
};

export const persistenceSuite: BenchmarkSuite = {
  name: 'persistence',
  description: 'local sends and batched persistence of generated rooms',
  cases: [localSendsSmallRoom, localSendsBigRoom, batchedGeneration],
};
