/** Fuzz target: `validatePdu` must answer `{ ok }` for anything, never throw (issue 7 §3). */
import fc from 'fast-check';
import { validatePdu } from '../../rules/event-format/validate-event';
import { KNOWN_ROOM_VERSIONS } from '../../rules/room-versions';
import { pduLike, seedPdus } from './fuzz-arbitraries';
import type { FuzzOptions, FuzzReport } from './fuzz-report';
import { CrashLog, countingUnhandledRejections } from './fuzz-report';

export async function fuzzValidatePdu(options: FuzzOptions): Promise<FuzzReport> {
  const seeds = seedPdus().flatMap((s) => s.pdus);
  const crashes = new CrashLog();
  let cases = 0;
  const { unhandledRejections } = await countingUnhandledRejections(async () => {
    fc.assert(
      fc.property(pduLike(seeds), fc.constantFrom(...KNOWN_ROOM_VERSIONS), (value, version) => {
        cases++;
        try {
          const result = validatePdu(value, version);
          if (typeof result.ok !== 'boolean')
            crashes.record(`no verdict for ${JSON.stringify(value)}`);
        } catch (error) {
          crashes.record(`v${version.id} threw ${String(error)} on ${JSON.stringify(value)}`);
        }
      }),
      { numRuns: options.numRuns, seed: options.seed },
    );
  });
  return {
    target: 'validatePdu',
    cases,
    crashes: crashes.crashes,
    unhandledRejections,
    integrity: 'n/a',
    examples: crashes.examples,
  };
}
