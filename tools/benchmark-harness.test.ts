/**
 * The benchmark harness (bench/): verdicts, table and JSON report on a fake suite, suite
 * selection, the timing statistics, and a small-size smoke run of the rules suite's generators
 * checking the invariants the full-size benchmarks rely on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchmarkSuite } from '../bench/benchmark-suite';
import { verdictOf } from '../bench/benchmark-suite';
import { buildAuthDag } from '../bench/fixtures/auth-dag';
import { buildForkedRoom } from '../bench/fixtures/forked-room';
import { generateRealisticEvents } from '../bench/fixtures/realistic-events';
import { SeededRandom } from '../src-core/util/seeded-random';
import type { MachineInfo } from '../bench/report';
import { buildReport, formatTable, reportFileName, resultRows } from '../bench/report';
import { runSuites, selectSuites } from '../bench/run-suites';
import {
  benchSigningKeys,
  checkResolution,
  conflictedCounts,
  signAll,
  verifyAll,
} from '../bench/suites/rules';
import { median, percentile, summarise, timeIt } from '../bench/timing';
import { authChainDifference } from '../src-core/rules/state-resolution/auth-chain';
import { resolveState } from '../src-core/rules/state-resolution/resolve-state';
import { getRoomVersion } from '../src-core/rules/room-versions';
import { initCrypto } from '../src-core/rules/signing/sodium';

const MB = 1024 * 1024;

const fakeSuite: BenchmarkSuite = {
  name: 'fake',
  description: 'fixed numbers',
  cases: [
    {
      name: 'fast thing',
      run: async (ctx) => {
        ctx.sampleRss();
        return [
          { metric: 'median', value: 42.5, unit: 'ms', target: 100, lowerIsBetter: true },
          {
            metric: 'throughput',
            value: 12_345,
            unit: 'events/s',
            target: 20_000,
            lowerIsBetter: false,
          },
        ];
      },
    },
    {
      name: 'broken thing',
      run: async () => {
        throw new Error('fixture exploded');
      },
    },
  ],
};

const machine: MachineInfo = {
  cpuModel: 'Test CPU',
  cpuCount: 2,
  nodeVersion: 'v20.0.0',
  platform: 'linux',
  arch: 'x64',
  totalMemoryBytes: 8 * 1024 * MB,
  loadAverage1m: 0.25,
};

describe('harness', () => {
  it('runs every case, records errors and the highest RSS sampled', async () => {
    const rssValues = [100 * MB, 300 * MB, 150 * MB, 50 * MB, 60 * MB];
    let call = 0;
    const results = await runSuites([fakeSuite], {
      rss: () => rssValues[call++] ?? 0,
      samplePeriodMs: 0,
    });
    expect(results.map((r) => r.case)).toEqual(['fast thing', 'broken thing']);
    expect(results[0]?.peakRssBytes).toBe(300 * MB);
    expect(results[0]?.error).toBeUndefined();
    expect(results[1]?.error).toMatch(/fixture exploded/);
    expect(results[1]?.measurements).toEqual([]);
  });

  it('judges targets in the right direction', () => {
    expect(
      verdictOf({ metric: 'm', value: 99, unit: 'ms', target: 100, lowerIsBetter: true }),
    ).toBe('pass');
    expect(
      verdictOf({ metric: 'm', value: 101, unit: 'ms', target: 100, lowerIsBetter: true }),
    ).toBe('FAIL');
    expect(
      verdictOf({ metric: 't', value: 10, unit: '/s', target: 20, lowerIsBetter: false }),
    ).toBe('FAIL');
    expect(
      verdictOf({ metric: 't', value: 20, unit: '/s', target: 20, lowerIsBetter: false }),
    ).toBe('pass');
    expect(verdictOf({ metric: 'n', value: 5, unit: '', lowerIsBetter: true })).toBe('-');
  });

  it('prints one table row per measurement plus peak RSS and errors', async () => {
    const results = await runSuites([fakeSuite], { rss: () => 64 * MB, samplePeriodMs: 0 });
    const table = formatTable(resultRows(results)).split('\n');
    expect(table[0]).toMatch(/^suite\s+case\s+metric\s+value\s+unit\s+target\s+verdict$/);
    expect(table.slice(2)).toEqual([
      expect.stringMatching(/^fake\s+fast thing\s+median\s+42\.5\s+ms\s+<= 100\s+pass$/),
      expect.stringMatching(
        /^fake\s+fast thing\s+throughput\s+12,345\s+events\/s\s+>= 20,000\s+FAIL$/,
      ),
      expect.stringMatching(/^fake\s+fast thing\s+peak RSS\s+64\s+MB\s+-$/),
      expect.stringMatching(/^fake\s+broken thing\s+error\s+-\s+ERROR$/),
      expect.stringMatching(/^fake\s+broken thing\s+peak RSS\s+64\s+MB\s+-$/),
    ]);
  });

  it('builds a JSON report with machine info, per-case peak RSS and a summary', async () => {
    const results = await runSuites([fakeSuite], { rss: () => 64 * MB, samplePeriodMs: 0 });
    const startedAt = new Date('2026-11-26T10:20:30.456Z');
    const report = JSON.parse(JSON.stringify(buildReport(results, machine, startedAt, 'abc123')));
    expect(report.startedAt).toBe('2026-11-26T10:20:30.456Z');
    expect(report.gitCommit).toBe('abc123');
    expect(report.machine).toEqual(machine);
    expect(report.cases[0]).toMatchObject({
      suite: 'fake',
      case: 'fast thing',
      peakRssBytes: 64 * MB,
      error: null,
    });
    expect(report.cases[1].error).toMatch(/fixture exploded/);
    expect(report.rows[0]).toEqual({
      suite: 'fake',
      case: 'fast thing',
      metric: 'median',
      value: 42.5,
      unit: 'ms',
      target: 100,
      lowerIsBetter: true,
      verdict: 'pass',
    });
    expect(report.summary).toEqual({ passed: 1, failed: 1, errors: 1 });
    expect(reportFileName(startedAt)).toBe('2026-11-26T10-20-30.456Z.json');
  });

  it('selects suites by name and rejects unknown names', () => {
    const other: BenchmarkSuite = { name: 'other', description: '', cases: [] };
    expect(selectSuites([fakeSuite, other], []).map((s) => s.name)).toEqual(['fake', 'other']);
    expect(selectSuites([fakeSuite, other], ['other']).map((s) => s.name)).toEqual(['other']);
    expect(() => selectSuites([fakeSuite, other], ['nope'])).toThrow(
      /unknown.*nope.*available: fake, other/,
    );
  });

  it('summarises timings with median and nearest-rank p95', async () => {
    const samples = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(median(samples)).toBe(10.5);
    expect(percentile(samples, 95)).toBe(19);
    expect(percentile(samples, 100)).toBe(20);
    expect(summarise([5, 1, 3])).toMatchObject({ medianMs: 3, p95Ms: 5, minMs: 1, maxMs: 5 });
    let runs = 0;
    const stats = await timeIt(() => runs++, { warmup: 2, iterations: 3 });
    expect(runs).toBe(5);
    expect(stats.samplesMs).toHaveLength(3);
  });
});

describe('rules suite generators at small sizes', () => {
  beforeAll(async () => {
    await initCrypto();
  });

  it('generates the same realistic events for the same seed, and they sign and verify', () => {
    const events = generateRealisticEvents(200);
    expect(generateRealisticEvents(200)).toEqual(events);
    const types = new Set(events.map((e) => e['type']));
    expect(types).toEqual(
      new Set(['m.room.message', 'm.reaction', 'm.room.member', 'm.room.power_levels']),
    );
    const { keyOf, lookup } = benchSigningKeys();
    const signed = signAll(events, keyOf);
    expect(verifyAll(signed, lookup)).toBe(200);
    const tampered = signed.map((e) => ({ ...e, origin_server_ts: 1 }));
    expect(verifyAll(tampered, lookup)).toBe(0);
  });

  it.each(['11', '12'])(
    'forks a room v%s with two events per changed key, all passing auth',
    (id) => {
      const version = getRoomVersion(id);
      // The builder runs authorizeEvent on every event and throws on a rejection.
      const scenario = buildForkedRoom(version, { members: 200, changedKeys: 20 });
      const sets = [scenario.forkA, scenario.forkB];
      expect(conflictedCounts(sets)).toEqual({ keys: 20, events: 40 });
      expect(scenario.expectedConflictedEvents).toBe(40);
      const resolved = resolveState(version, sets, scenario.room.get);
      expect(() => checkResolution(resolved, sets)).not.toThrow();
    },
  );

  it('builds an auth DAG whose forks differ, reachable in full from the two states', () => {
    const { room, stateA, stateB } = buildAuthDag(getRoomVersion('12'), {
      events: 3000,
      powerLevelsEvery: 100,
      forkedShare: 0.1,
    });
    expect(room.events.size).toBe(3000);
    const power = [...room.events.values()].filter((e) => e.type === 'm.room.power_levels');
    expect(power.length).toBeGreaterThanOrEqual(29);
    const difference = authChainDifference([stateA, stateB], room.get);
    expect(difference.size).toBeGreaterThan(10);
    // A pre-fork event can only be on one side if it is a state event of the other side (the
    // spec's auth chain excludes the event itself); everything else there came after the fork.
    const inAState = new Set([...stateA.values(), ...stateB.values()]);
    const preFork = [...difference].filter((id) => Number(id.slice(2)) < 2700);
    expect(preFork.filter((id) => !inAState.has(id))).toEqual([]);
    expect(difference.size).toBeGreaterThan(preFork.length);
  });

  it('draws the same numbers from the same seed', () => {
    const a = new SeededRandom(5);
    const b = new SeededRandom(5);
    const drawsA = Array.from({ length: 5 }, () => a.int(0, 1000));
    expect(Array.from({ length: 5 }, () => b.int(0, 1000))).toEqual(drawsA);
    expect(new Set(drawsA).size).toBeGreaterThan(1);
  });
});
