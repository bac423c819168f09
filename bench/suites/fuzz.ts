/**
 * Fuzzing (issue 7 §3): each fuzz target of `src-core/reliability/fuzz/` for 10,000 cases with
 * a fixed seed. Crashes, unhandled rejections and integrity problems must all be zero; the
 * `npm test` slice runs the same targets for 300 cases.
 */
import type { BenchmarkSuite, Measurement } from '../benchmark-suite';
import { FUZZ_TARGETS } from '../../src-core/reliability/fuzz/fuzz-targets';

const CASES_PER_TARGET = 10_000;
const SEED = 7;

export const fuzzSuite: BenchmarkSuite = {
  name: 'fuzz',
  description:
    'property-based fuzzing of federation endpoints, send_join answers and PDU validation',
  cases: FUZZ_TARGETS.map((target) => ({
    name: target.name,
    async run(ctx): Promise<Measurement[]> {
      const started = performance.now();
      const report = await target.run({ numRuns: CASES_PER_TARGET, seed: SEED });
      ctx.sampleRss();
      if (report.examples.length > 0) {
        process.stderr.write(`fuzz ${target.name} crashes:\n  ${report.examples.join('\n  ')}\n`);
      }
      if (report.integrity !== 'ok' && report.integrity !== 'n/a') {
        process.stderr.write(`fuzz ${target.name} integrity: ${report.integrity}\n`);
      }
      return [
        {
          metric: 'cases run',
          value: report.cases,
          unit: 'cases',
          target: CASES_PER_TARGET,
          lowerIsBetter: false,
        },
        { metric: 'crashes', value: report.crashes, unit: 'cases', target: 0, lowerIsBetter: true },
        {
          metric: 'unhandled rejections',
          value: report.unhandledRejections,
          unit: 'rejections',
          target: 0,
          lowerIsBetter: true,
        },
        {
          metric: 'integrity problems',
          value: report.integrity === 'ok' || report.integrity === 'n/a' ? 0 : 1,
          unit: report.integrity === 'n/a' ? 'n/a (no database)' : 'checks',
          target: 0,
          lowerIsBetter: true,
        },
        {
          metric: 'duration',
          value: Math.round(performance.now() - started),
          unit: 'ms',
          lowerIsBetter: true,
        },
      ];
    },
  })),
};
