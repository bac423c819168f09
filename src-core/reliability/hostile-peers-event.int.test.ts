/** Hostile and failing residents on the resync's `/event` fetches (issue 7 §2). */
import { afterAll, beforeAll, describe } from 'vitest';
import type { HostileSetup } from './hostile-peers-harness';
import { startHostileSetup, stopHostileSetup } from './hostile-peers-harness';
import { RESYNC_FAULT_CASES } from './hostile-peers-resync-cases';
import { resyncFaultTests } from './hostile-peers-resync-run';

let setup: HostileSetup | undefined;
beforeAll(async () => {
  setup = await startHostileSetup();
});
afterAll(() => stopHostileSetup(setup));

describe('a resident failing /event during the resync, then a good one', () => {
  resyncFaultTests(
    () => setup as HostileSetup,
    RESYNC_FAULT_CASES.filter((c) => c.endpoint === 'event'),
  );
});
