/**
 * The one test command (`npm test`). Runs every suite in turn — type-check, lint, format,
 * vitest (unit + integration) and the browser e2e suite (e2e/, headless Chromium) — and ends with a single
 * plain line summing them all, `N passed, M failed, K skipped`, which the CI gate reads.
 *
 * A check that is not a test runner (tsc, eslint, prettier) counts as one test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

interface Suite {
  name: string;
  command: string;
  args: string[];
  /** Reads the runner's own report; absent for pass/fail checks. */
  report?: { file: string; read: (json: unknown) => Tally };
}

const root = path.resolve(import.meta.dirname, '..');
const reportDir = path.join(root, 'test-results');
const bin = (name: string): string => path.join(root, 'node_modules', '.bin', name);

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

function readVitestTally(json: unknown): Tally {
  const v = json as VitestJson;
  return {
    passed: v.numPassedTests,
    failed: v.numFailedTests,
    skipped: v.numPendingTests + v.numTodoTests,
  };
}

const suites: Suite[] = [
  { name: 'type-check', command: bin('tsc'), args: ['-b'] },
  { name: 'lint', command: bin('eslint'), args: ['.'] },
  { name: 'format', command: bin('prettier'), args: ['--check', '.'] },
  {
    name: 'vitest',
    command: bin('vitest'),
    args: [
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${path.join(reportDir, 'vitest.json')}`,
    ],
    report: { file: path.join(reportDir, 'vitest.json'), read: readVitestTally },
  },
  {
    // Real headless Chromium (Debian's, never downloaded): a missing browser fails, not skips.
    name: 'e2e',
    command: bin('vitest'),
    args: [
      'run',
      '--config',
      path.join(root, 'e2e', 'vitest.config.ts'),
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${path.join(reportDir, 'e2e.json')}`,
    ],
    report: { file: path.join(reportDir, 'e2e.json'), read: readVitestTally },
  },
];

function runSuite(suite: Suite): Tally {
  process.stdout.write(`\n=== ${suite.name}: ${[suite.command, ...suite.args].join(' ')}\n`);
  if (suite.report) rmSync(suite.report.file, { force: true });
  const result = spawnSync(suite.command, suite.args, { cwd: root, stdio: 'inherit' });
  const ok = result.status === 0;
  if (!suite.report) return { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
  if (!existsSync(suite.report.file)) {
    // The runner died before reporting: count the whole suite as one failure so it shows.
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const tally = suite.report.read(JSON.parse(readFileSync(suite.report.file, 'utf8')));
  // A runner that exits non-zero with no failing test (e.g. an unhandled error) is still a failure.
  if (!ok && tally.failed === 0) tally.failed = 1;
  return tally;
}

mkdirSync(reportDir, { recursive: true });
const total: Tally = { passed: 0, failed: 0, skipped: 0 };
for (const suite of suites) {
  const tally = runSuite(suite);
  process.stdout.write(
    `--- ${suite.name}: ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped\n`,
  );
  total.passed += tally.passed;
  total.failed += tally.failed;
  total.skipped += tally.skipped;
}
process.stdout.write(
  `\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`,
);
process.exit(total.failed === 0 && total.passed > 0 ? 0 : 1);
