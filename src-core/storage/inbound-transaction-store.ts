/**
 * Inbound `/send` transactions already answered (`federation_inbound_txns`): a retried
 * transaction gets the stored answer instead of being applied twice.
 */
import type { Database } from './database';

export class InboundTransactionStore {
  constructor(private readonly db: Database) {}

  /** The stored response JSON text, or undefined for a new transaction. */
  response(origin: string, txnId: string): string | undefined {
    return this.db.get(
      this.db.kysely
        .selectFrom('federation_inbound_txns')
        .select('response_json')
        .where('origin', '=', origin)
        .where('txn_id', '=', txnId),
    )?.response_json;
  }

  record(origin: string, txnId: string, responseJson: string, receivedTs: number): void {
    this.db.run(
      this.db.kysely
        .insertInto('federation_inbound_txns')
        .values({ origin, txn_id: txnId, response_json: responseJson, received_ts: receivedTs })
        .onConflict((oc) => oc.columns(['origin', 'txn_id']).doNothing()),
    );
  }
}
