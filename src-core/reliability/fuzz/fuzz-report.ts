/**
 * What a fuzz target reports: cases run, crashes (an exception escaping a pure function, a 5xx
 * from an endpoint), unhandled promise rejections seen while it ran, and the database
 * integrity verdict afterwards where a database is involved.
 */
export interface FuzzOptions {
  numRuns: number;
  seed: number;
}

export interface FuzzReport {
  target: string;
  cases: number;
  crashes: number;
  unhandledRejections: number;
  /** `ok`, `n/a` (no database), or the violations found. */
  integrity: string;
  /** The first few crash descriptions, for the failure message. */
  examples: string[];
}

/** Collects crashes while a target runs; keeps a few examples. */
export class CrashLog {
  crashes = 0;
  readonly examples: string[] = [];

  record(description: string): void {
    this.crashes++;
    if (this.examples.length < 5) this.examples.push(description.slice(0, 500));
  }
}

/**
 * Counts `unhandledRejection` events while `run` runs: a rejection nobody awaited is a bug
 * even when the request that caused it was answered.
 */
export async function countingUnhandledRejections<T>(
  run: () => Promise<T>,
): Promise<{ result: T; unhandledRejections: number; reasons: string[] }> {
  let count = 0;
  const reasons: string[] = [];
  const spy = (reason: unknown): void => {
    count++;
    if (reasons.length < 5) reasons.push(String(reason));
  };
  process.on('unhandledRejection', spy);
  try {
    const result = await run();
    // Let rejections from the last cases surface before counting.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { result, unhandledRejections: count, reasons };
  } finally {
    process.off('unhandledRejection', spy);
  }
}
