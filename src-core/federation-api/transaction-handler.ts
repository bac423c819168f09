/**
 * The boundary between the federation transport and the event pipeline: `/send` hands each
 * transaction's PDUs and EDUs here. The pipeline implements it; until then, the default refuses
 * every PDU, which is what a server that knows no rooms would say.
 */

/** Per-event outcome keyed by event ID, as `/send` reports it; `{}` means accepted. */
export type PduResults = Record<string, { error?: string }>;

export interface TransactionHandler {
  /** Processes PDUs (already origin-authenticated); rejects on internal failure only. */
  handlePdus(origin: string, pdus: unknown[]): Promise<PduResults>;
  handleEdus(origin: string, edus: unknown[]): Promise<void>;
}

/** Which event ID to report a result under; PDUs without one (v3+ rooms) are hashed later. */
function reportedEventId(pdu: unknown, index: number): string {
  if (typeof pdu === 'object' && pdu !== null && 'event_id' in pdu) {
    const id = (pdu as { event_id: unknown }).event_id;
    if (typeof id === 'string') return id;
  }
  return `#${index}`;
}

export const rejectingTransactionHandler: TransactionHandler = {
  async handlePdus(_origin, pdus) {
    const results: PduResults = {};
    pdus.forEach((pdu, index) => {
      results[reportedEventId(pdu, index)] = { error: 'room unknown' };
    });
    return results;
  },
  async handleEdus() {},
};
