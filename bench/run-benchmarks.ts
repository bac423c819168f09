/**
 * `npm run bench [-- <suite>...] [--fail-on-miss]`: runs the registered suites (or the named
 * ones), prints one table and writes the JSON report to bench-results/<timestamp>.json and
 * bench-results/latest.json.
 *
 * Exit code: 1 when a case threw, or with --fail-on-miss when a target was missed; timings on a
 * shared CI box are too noisy to fail on by default.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MachineInfo } from './report';
import { buildReport, formatTable, reportFileName } from './report';
import { runSuites, selectSuites } from './run-suites';
import { ALL_SUITES } from './suites/registry';

const root = path.resolve(import.meta.dirname, '..');

function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    nodeVersion: process.version,
    platform: process.platform,
    arch: process.arch,
    totalMemoryBytes: os.totalmem(),
    loadAverage1m: os.loadavg()[0] ?? 0,
  };
}

function gitCommit(): string | null {
  const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
  return git.status === 0 ? git.stdout.trim() : null;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const failOnMiss = args.includes('--fail-on-miss');
  const names = args.filter((a) => !a.startsWith('--'));
  const suites = selectSuites(ALL_SUITES, names);

  const startedAt = new Date();
  const machine = machineInfo();
  console.error(
    `benchmarks: ${suites.map((s) => s.name).join(', ')} on ${machine.cpuCount}× ${machine.cpuModel}, node ${machine.nodeVersion}, load ${machine.loadAverage1m.toFixed(2)}`,
  );
  const results = await runSuites(suites, {
    onCaseStart: (suite, name) => console.error(`  running ${suite} / ${name} …`),
  });
  const report = buildReport(results, machine, startedAt, gitCommit());

  console.log(formatTable(report.rows));
  for (const c of report.cases) {
    if (c.error !== null) console.error(`\n${c.suite} / ${c.case} threw:\n${c.error}`);
  }

  const outDir = path.join(root, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const file = path.join(outDir, reportFileName(startedAt));
  writeFileSync(file, json);
  writeFileSync(path.join(outDir, 'latest.json'), json);
  console.error(`\nwrote ${path.relative(root, file)} and bench-results/latest.json`);

  if (report.summary.errors > 0) return 1;
  if (failOnMiss && report.summary.failed > 0) return 1;
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
