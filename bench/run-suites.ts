/**
 * Runs suites case by case, isolating failures (a throwing case is recorded, the rest still run)
 * and tracking each case's peak RSS: sampled before and after the case, whenever the case asks
 * (`ctx.sampleRss`, which `timeIt` does after every iteration), and on a timer for cases that
 * yield to the event loop.
 */
import type { BenchmarkSuite, CaseContext, Measurement } from './benchmark-suite';

export interface CaseResult {
  readonly suite: string;
  readonly case: string;
  readonly measurements: readonly Measurement[];
  /** Process-wide RSS high-water mark while the case ran (fixtures included). */
  readonly peakRssBytes: number;
  readonly durationMs: number;
  /** Set when the case threw; its measurements are then empty. */
  readonly error?: string;
}

export interface RunOptions {
  /** Current RSS in bytes; injectable for tests. */
  readonly rss?: () => number;
  /** Called before each case starts (progress on stderr for long runs). */
  readonly onCaseStart?: (suite: string, caseName: string) => void;
  /** Timer sampling period for asynchronous cases; 0 disables the timer. Default 25 ms. */
  readonly samplePeriodMs?: number;
}

const defaultRss = (): number => process.memoryUsage.rss();

export async function runSuites(
  suites: readonly BenchmarkSuite[],
  options: RunOptions = {},
): Promise<CaseResult[]> {
  const rss = options.rss ?? defaultRss;
  const period = options.samplePeriodMs ?? 25;
  const results: CaseResult[] = [];
  for (const suite of suites) {
    for (const benchCase of suite.cases) {
      options.onCaseStart?.(suite.name, benchCase.name);
      collectGarbageIfExposed();
      let peak = rss();
      const ctx: CaseContext = {
        sampleRss() {
          peak = Math.max(peak, rss());
        },
      };
      const timer = period > 0 ? setInterval(ctx.sampleRss, period) : undefined;
      timer?.unref();
      const start = performance.now();
      let measurements: readonly Measurement[] = [];
      let error: string | undefined;
      try {
        measurements = await benchCase.run(ctx);
      } catch (caught) {
        error = caught instanceof Error ? (caught.stack ?? caught.message) : String(caught);
      } finally {
        if (timer) clearInterval(timer);
      }
      ctx.sampleRss();
      results.push({
        suite: suite.name,
        case: benchCase.name,
        measurements,
        peakRssBytes: peak,
        durationMs: performance.now() - start,
        ...(error === undefined ? {} : { error }),
      });
    }
  }
  return results;
}

/** With `node --expose-gc`, start each case from a collected heap so peaks are less noisy. */
function collectGarbageIfExposed(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') gc();
}

/**
 * The suites named on the command line (all when none), in registry order.
 *
 * @throws Error naming the unknown names and the available ones.
 */
export function selectSuites(
  all: readonly BenchmarkSuite[],
  names: readonly string[],
): BenchmarkSuite[] {
  if (names.length === 0) return [...all];
  const known = new Set(all.map((s) => s.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark suite(s) ${unknown.join(', ')}; available: ${[...known].join(', ')}`,
    );
  }
  return all.filter((s) => names.includes(s.name));
}
