/**
 * The shared timing helper: warm up (JIT, caches), then time N iterations and summarise them.
 * Medians rather than means, because one GC pause should not move the headline number; p95 shows
 * the pauses anyway.
 */
import type { CaseContext } from './benchmark-suite';

export interface TimingOptions {
  /** Untimed runs first, so the JIT has compiled the hot paths. Default 1. */
  readonly warmup?: number;
  /** Timed runs. Default 5. */
  readonly iterations?: number;
  /** Sampled after every run so the peak RSS includes what the work allocated. */
  readonly ctx?: CaseContext;
}

export interface TimingStats {
  readonly samplesMs: readonly number[];
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** Nearest-rank percentile (p in (0, 100]) of already sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** The middle value (mean of the two middle ones for an even count). */
export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) throw new Error('median of no samples');
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function summarise(samplesMs: readonly number[]): TimingStats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    samplesMs: [...samplesMs],
    medianMs: median(sorted),
    p95Ms: percentile(sorted, 95),
    minMs: sorted[0] as number,
    maxMs: sorted[sorted.length - 1] as number,
  };
}

/** Times `work`, which may be synchronous or return a promise (awaited inside the timing). */
export async function timeIt(
  work: () => unknown,
  options: TimingOptions = {},
): Promise<TimingStats> {
  const warmup = options.warmup ?? 1;
  const iterations = options.iterations ?? 5;
  if (iterations < 1) throw new Error(`timeIt needs at least one iteration, got ${iterations}`);
  for (let i = 0; i < warmup; i++) {
    await work();
    options.ctx?.sampleRss();
  }
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
    options.ctx?.sampleRss();
  }
  return summarise(samples);
}

/** Items per second for `count` items handled in `ms` milliseconds. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : Number.POSITIVE_INFINITY;
}
