/**
 * The contract every benchmark suite implements (see bench/README.md). A suite is a named list of
 * cases; a case builds its own inputs, times the work and returns measurements. The harness adds
 * the case's peak RSS, compares each measurement with its target and reports.
 */

export interface Measurement {
  /** What was measured, e.g. `median`, `p95`, `sign throughput`, `conflicted events`. */
  readonly metric: string;
  readonly value: number;
  /** Free text shown as-is: `ms`, `events/s`, `MB`, `events`. */
  readonly unit: string;
  /** The budget from the issue or design note; without one the row is informational. */
  readonly target?: number;
  /** `true` for latencies and sizes, `false` for throughputs. */
  readonly lowerIsBetter: boolean;
}

/** Handed to every case so long or asynchronous work can feed the peak-RSS figure. */
export interface CaseContext {
  /** Records the current RSS; the harness reports the maximum seen while the case ran. */
  sampleRss(): void;
}

export interface BenchmarkCase {
  readonly name: string;
  run(ctx: CaseContext): Promise<readonly Measurement[]>;
}

export interface BenchmarkSuite {
  /** Short, lower-case; what `npm run bench -- <name>` selects. */
  readonly name: string;
  readonly description: string;
  readonly cases: readonly BenchmarkCase[];
}

export type Verdict = 'pass' | 'FAIL' | '-';

export function verdictOf(m: Measurement): Verdict {
  if (m.target === undefined) return '-';
  return (m.lowerIsBetter ? m.value <= m.target : m.value >= m.target) ? 'pass' : 'FAIL';
}
