/** The fixed-seed slice of the fuzz targets (the bench's `fuzz` suite runs ≥ 10,000 each). */
import { describe, expect, it } from 'vitest';
import { FUZZ_TARGETS } from './fuzz-targets';

describe('fuzzing (fixed seed)', () => {
  for (const target of FUZZ_TARGETS) {
    it(`${target.name}: no crash, no unhandled rejection, integrity ok`, async () => {
      const report = await target.run({ numRuns: 300, seed: 42 });
      expect(report.cases).toBe(300);
      expect(report.examples).toEqual([]);
      expect(report.crashes).toBe(0);
      expect(report.unhandledRejections).toBe(0);
      expect(['ok', 'n/a']).toContain(report.integrity);
    }, 60_000);
  }
});
