/**
 * Crash safety (issue 7 §1): SIGKILL a real `skein serve` joiner at 20 seeded-random fault
 * points during a partial join and its resync, restart it on the same data directory, and check
 * that nothing acknowledged was lost, no event lost its partial flag without its full state, the
 * join's rows committed together, the resync resumed and reached the resident's state, and the
 * database's integrity and Skein's invariants hold (see src-core/testing/crash-scenario.ts).
 *
 * A dry run with SKEIN_FAULT_LOG counts the fault points first; kill points are drawn from it
 * with a fixed seed, at least 8 of them inside write transactions.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../util/seeded-random';
import { TestPeer } from '../demo/test-peer/test-peer';
import { runCrashScenario, scriptCrashRoom } from '../testing/crash-scenario';
import type { CrashRunReport, FaultLogLine } from '../testing/crash-scenario';

const SEED = 20261126;
/** 20 in `npm test`; `CRASH_KILL_POINTS=40` sweeps every point of the dry run. */
const KILL_POINTS = Number(process.env['CRASH_KILL_POINTS'] ?? 20);
const IN_TRANSACTION = 8;
const MEMBERS = 60;
const PARALLEL = 2;

let peer: TestPeer;
let workDir: string;

beforeAll(async () => {
  peer = await TestPeer.start();
  workDir = mkdtempSync(path.join(tmpdir(), 'skein-crash-'));
});

afterAll(async () => {
  await peer?.stop();
});

/**
 * Seeded choice, sorted: always the transaction that commits J with its partial-state rows (the
 * last one the remote join opens; the first stores the outliers), then transaction points up to
 * `IN_TRANSACTION`, the rest from every kind.
 */
function chooseKillPoints(points: readonly FaultLogLine[], random: SeededRandom): number[] {
  const joinCommit = points
    .filter((p) => p.kind === 'transaction' && p.label.includes('federation-remote-membership'))
    .at(-1);
  const chosen = new Set(joinCommit ? [joinCommit.n] : []);
  const transactions = random.shuffle(
    points.filter((p) => p.kind === 'transaction' && !chosen.has(p.n)).map((p) => p.n),
  );
  for (const n of transactions.slice(0, IN_TRANSACTION - chosen.size)) chosen.add(n);
  const rest = random.shuffle(points.map((p) => p.n).filter((n) => !chosen.has(n)));
  for (const n of rest) {
    if (chosen.size >= KILL_POINTS) break;
    chosen.add(n);
  }
  return [...chosen].sort((a, b) => a - b);
}

async function inPool<T, R>(items: readonly T[], width: number, run: (item: T) => Promise<R>) {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await run(items[index] as T);
      }
    }),
  );
  return results;
}

function describeRun(report: CrashRunReport): string {
  const where = report.killedAt
    ? `${report.killedAt.kind} ${report.killedAt.label}`
    : 'not reached';
  const join = report.joinAckedBeforeKill ? 'after /join 200' : 'before /join 200';
  const timings = Object.entries(report.timings)
    .map(([phase, ms]) => `${phase} ${ms}`)
    .join(', ');
  return `kill ${report.killAt} @ ${where} (${join}; ms: ${timings}): ${report.problems.length === 0 ? 'survived' : report.problems.join(' | ')}`;
}

describe('crash safety of the partial join and its resync', () => {
  it('survives SIGKILL at 20 seeded fault points, at least 5 inside write transactions', async () => {
    const dry = await runCrashScenario({
      peer,
      room: scriptCrashRoom(peer, 0, MEMBERS),
      workDir,
    });
    expect(dry.problems).toEqual([]);
    const kinds = (kind: FaultLogLine['kind']) => dry.points.filter((p) => p.kind === kind).length;
    process.stdout.write(
      `crash harness dry run: ${dry.points.length} fault points (${kinds('transaction')} transactions, ${kinds('request')} requests, ${kinds('response')} responses)\n`,
    );
    expect(kinds('transaction')).toBeGreaterThanOrEqual(IN_TRANSACTION);

    const killPoints = chooseKillPoints(dry.points, new SeededRandom(SEED));
    const planned = killPoints.map((n) => {
      const point = dry.points.find((p) => p.n === n);
      return `${n} ${point?.kind ?? '?'} ${point?.label ?? ''}`;
    });
    process.stdout.write(`crash harness kill points (seed ${SEED}):\n  ${planned.join('\n  ')}\n`);

    const started = Date.now();
    const reports = await inPool(
      killPoints.map((killAt, index) => ({
        killAt,
        room: scriptCrashRoom(peer, index + 1, MEMBERS),
      })),
      PARALLEL,
      ({ killAt, room }) => runCrashScenario({ peer, room, workDir, killAt }),
    );
    for (const report of reports) process.stdout.write(`  ${describeRun(report)}\n`);
    const survived = reports.filter((r) => r.killedAt && r.problems.length === 0);
    const inTransactions = survived.filter((r) => r.killedAt?.kind === 'transaction');
    process.stdout.write(
      `crash harness: ${survived.length}/${reports.length} kill points survived, ${inTransactions.length} inside write transactions (${Math.round((Date.now() - started) / 1000)} s)\n`,
    );
    expect(reports.filter((r) => r.problems.length > 0).map(describeRun)).toEqual([]);
    expect(survived.length).toBe(Math.min(KILL_POINTS, dry.points.length));
    expect(inTransactions.length).toBeGreaterThanOrEqual(5);
  }, 240_000);
});
