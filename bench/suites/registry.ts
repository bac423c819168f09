/** Every benchmark suite, in the order `npm run bench` runs them. Add new suites here. */
import type { BenchmarkSuite } from '../benchmark-suite';
import { browserSuite } from './browser';
import { fuzzSuite } from './fuzz';
import { joinsSuite } from './joins';
import { loadSuite } from './load';
import { persistenceSuite } from './persistence';
import { rulesSuite } from './rules';

export const ALL_SUITES: readonly BenchmarkSuite[] = [
  rulesSuite,
  persistenceSuite,
  joinsSuite,
  loadSuite,
  fuzzSuite,
  browserSuite,
];
