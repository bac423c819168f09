/** Every fuzz target, for the fixed-seed test slice and the bench's long runs. */
import { fuzzFederationEndpoints } from './federation-endpoints-fuzz';
import type { FuzzOptions, FuzzReport } from './fuzz-report';
import { fuzzSendJoinResponse } from './send-join-response-fuzz';
import { fuzzValidatePdu } from './validate-pdu-fuzz';

export const FUZZ_TARGETS: readonly {
  name: string;
  run: (o: FuzzOptions) => Promise<FuzzReport>;
}[] = [
  { name: 'validatePdu', run: fuzzValidatePdu },
  { name: 'send_join response', run: fuzzSendJoinResponse },
  { name: 'federation endpoints', run: fuzzFederationEndpoints },
];
