/**
 * The pure rules library (src-core/rules), measured on the inputs the performance issue names:
 *   1. sign (canonical JSON + content hash + redact + Ed25519) and verify 10,000 realistic events;
 *   2. state resolution of two forks of a 20,000-entry room with 200 conflicted events, for room
 *      v11 (algorithm v2) and v12 (v2.1), target < 100 ms;
 *   3. the auth-chain difference over a 100,000-event auth DAG.
 * Inputs are generated deterministically (bench/fixtures/) before timing starts.
 */
import type { JsonObject } from '../../src-core/rules/json';
import { getRoomVersion } from '../../src-core/rules/room-versions';
import { signEvent } from '../../src-core/rules/signing/sign-event';
import type { SigningKey } from '../../src-core/rules/signing/signing-key';
import { signingKeyFromSeed } from '../../src-core/rules/signing/signing-key';
import { initCrypto } from '../../src-core/rules/signing/sodium';
import type { EventKeyLookup } from '../../src-core/rules/signing/verify-event';
import { checkEventSignatures } from '../../src-core/rules/signing/verify-event';
import { authChain, authChainDifference } from '../../src-core/rules/state-resolution/auth-chain';
import {
  conflictedEventIds,
  splitConflictedState,
} from '../../src-core/rules/state-resolution/conflicted-state';
import { resolveState } from '../../src-core/rules/state-resolution/resolve-state';
import type { StateMap } from '../../src-core/rules/events/state-map';
import type { BenchmarkCase, BenchmarkSuite, Measurement } from '../benchmark-suite';
import { buildAuthDag } from '../fixtures/auth-dag';
import { buildForkedRoom } from '../fixtures/forked-room';
import { BENCH_SERVERS, generateRealisticEvents } from '../fixtures/realistic-events';
import { SeededRandom } from '../../src-core/util/seeded-random';
import { perSecond, timeIt } from '../timing';
import type { TimingStats } from '../timing';

const SIGNED_EVENTS = 10_000;
const STATE_RES_TARGET_MS = 100;

function latencyRows(stats: TimingStats, target?: number): Measurement[] {
  return [
    {
      metric: 'median',
      value: stats.medianMs,
      unit: 'ms',
      lowerIsBetter: true,
      ...(target === undefined ? {} : { target }),
    },
    { metric: 'p95', value: stats.p95Ms, unit: 'ms', lowerIsBetter: true },
  ];
}

function count(metric: string, value: number, unit: string): Measurement {
  return { metric, value, unit, lowerIsBetter: true };
}

/** One key per server, from a fixed seed, and the lookup a verifier would use. */
export function benchSigningKeys(): {
  keyOf: (server: string) => SigningKey;
  lookup: EventKeyLookup;
} {
  const rng = new SeededRandom(99);
  const keys = new Map<string, SigningKey>();
  for (const server of BENCH_SERVERS) keys.set(server, signingKeyFromSeed(rng.bytes(32), 'bench1'));
  return {
    keyOf(server) {
      const key = keys.get(server);
      if (!key) throw new Error(`no bench signing key for ${server}`);
      return key;
    },
    lookup: (server, keyId) => {
      const key = keys.get(server);
      return key && key.keyId === keyId ? key.publicKey : undefined;
    },
  };
}

/** Signs each event with its sender's server key, as that server would before sending it. */
export function signAll(
  events: readonly JsonObject[],
  keyOf: (server: string) => SigningKey,
): JsonObject[] {
  const version = getRoomVersion('12');
  return events.map((pdu) => {
    const sender = pdu['sender'] as string;
    const server = sender.slice(sender.indexOf(':') + 1);
    return signEvent(pdu, server, keyOf(server), version);
  });
}

export function verifyAll(signed: readonly JsonObject[], lookup: EventKeyLookup): number {
  const version = getRoomVersion('12');
  let valid = 0;
  for (const pdu of signed) if (checkEventSignatures(pdu, version, lookup).ok) valid++;
  return valid;
}

// The verify case reuses what the sign case produced (each is timed on its own).
let signedForVerify: JsonObject[] | undefined;

const signCase: BenchmarkCase = {
  name: `sign ${SIGNED_EVENTS.toLocaleString('en-US')} events`,
  async run(ctx) {
    await initCrypto();
    const events = generateRealisticEvents(SIGNED_EVENTS);
    const { keyOf } = benchSigningKeys();
    const bytes = events.reduce((sum, e) => sum + JSON.stringify(e).length, 0);
    let signed: JsonObject[] = [];
    const stats = await timeIt(() => (signed = signAll(events, keyOf)), {
      warmup: 1,
      iterations: 5,
      ctx,
    });
    signedForVerify = signed;
    return [
      {
        metric: 'throughput',
        value: perSecond(events.length, stats.medianMs),
        unit: 'events/s',
        lowerIsBetter: false,
      },
      ...latencyRows(stats),
      count('mean event size', bytes / events.length, 'bytes'),
    ];
  },
};

const verifyCase: BenchmarkCase = {
  name: `verify ${SIGNED_EVENTS.toLocaleString('en-US')} events`,
  async run(ctx) {
    await initCrypto();
    const { keyOf, lookup } = benchSigningKeys();
    const signed = signedForVerify ?? signAll(generateRealisticEvents(SIGNED_EVENTS), keyOf);
    signedForVerify = undefined; // let later cases' peak RSS start without these events
    let valid = 0;
    const stats = await timeIt(() => (valid = verifyAll(signed, lookup)), {
      warmup: 1,
      iterations: 5,
      ctx,
    });
    if (valid !== signed.length) {
      throw new Error(`only ${valid} of ${signed.length} signed events verified`);
    }
    return [
      {
        metric: 'throughput',
        value: perSecond(signed.length, stats.medianMs),
        unit: 'events/s',
        lowerIsBetter: false,
      },
      ...latencyRows(stats),
    ];
  },
};

/** Conflicted keys and events of two state sets, as state res v2 splits them. */
export function conflictedCounts(stateSets: readonly StateMap[]): { keys: number; events: number } {
  const { conflicted } = splitConflictedState(stateSets);
  return { keys: conflicted.size, events: conflictedEventIds(conflicted).size };
}

/**
 * Both forks hold the same keys, so the resolution must too, and every conflicted key must end on
 * one of its two contenders: an absent key would mean the scenario's events fail the auth rules.
 */
export function checkResolution(resolved: StateMap, sets: readonly StateMap[]): void {
  const [a, b] = sets;
  if (!a || !b) throw new Error('checkResolution needs two state sets');
  if (resolved.size !== a.size) {
    throw new Error(`resolved state has ${resolved.size} entries, the forks ${a.size}`);
  }
  for (const [key, idA] of a) {
    const picked = resolved.get(key);
    if (picked !== idA && picked !== b.get(key)) {
      throw new Error(`resolved ${key} to ${String(picked)}, neither fork's event`);
    }
  }
}

function stateResCase(versionId: '11' | '12'): BenchmarkCase {
  const version = getRoomVersion(versionId);
  return {
    name: `state res ${version.stateResolution}, room v${versionId}, 20k entries`,
    async run(ctx) {
      const scenario = buildForkedRoom(version);
      ctx.sampleRss();
      const sets = [scenario.forkA, scenario.forkB];
      const conflicted = conflictedCounts(sets);
      if (conflicted.events !== scenario.expectedConflictedEvents) {
        throw new Error(
          `scenario has ${conflicted.events} conflicted events, expected ${scenario.expectedConflictedEvents}`,
        );
      }
      let resolved: StateMap = new Map();
      const stats = await timeIt(
        () => (resolved = resolveState(version, sets, scenario.room.get)),
        {
          warmup: 2,
          iterations: 15,
          ctx,
        },
      );
      checkResolution(resolved, sets);
      return [
        ...latencyRows(stats, STATE_RES_TARGET_MS),
        count('state entries', scenario.base.size, 'entries'),
        count('conflicted keys', conflicted.keys, 'keys'),
        count('conflicted events', conflicted.events, 'events'),
      ];
    },
  };
}

const authChainDifferenceCase: BenchmarkCase = {
  name: 'auth-chain difference, 100k-event DAG',
  async run(ctx) {
    const { room, stateA, stateB } = buildAuthDag(getRoomVersion('12'));
    ctx.sampleRss();
    const sets = [stateA, stateB];
    // The walk covers everything below the two states: their events and their auth chains.
    const roots = [...stateA.values(), ...stateB.values()];
    const reachable = authChain(roots, room.get);
    for (const id of roots) reachable.add(id);
    let difference = new Set<string>();
    const stats = await timeIt(() => (difference = authChainDifference(sets, room.get)), {
      warmup: 2,
      iterations: 10,
      ctx,
    });
    if (difference.size === 0) throw new Error('the two state sets have no auth difference');
    return [
      ...latencyRows(stats),
      count('auth DAG walked', reachable.size, 'events'),
      count('auth difference', difference.size, 'events'),
    ];
  },
};

export const rulesSuite: BenchmarkSuite = {
  name: 'rules',
  description: 'src-core/rules: signing, verification, state resolution, auth-chain difference',
  cases: [signCase, verifyCase, stateResCase('11'), stateResCase('12'), authChainDifferenceCase],
};
