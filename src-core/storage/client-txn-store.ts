/**
 * Client transaction IDs (`client_txn_ids`): a retried `PUT .../send/{type}/{txnId}` from the
 * same device answers the event it already created (spec: "Transaction identifiers" — scoped to
 * the device, i.e. the access token's session).
 */
import type { Database } from './database';

export class ClientTxnStore {
  constructor(private readonly db: Database) {}

  eventFor(userId: string, deviceId: string, txnId: string): string | undefined {
    return this.db.get(
      this.db.kysely
        .selectFrom('client_txn_ids')
        .select('event_id')
        .where('user_id', '=', userId)
        .where('device_id', '=', deviceId)
        .where('txn_id', '=', txnId),
    )?.event_id;
  }

  record(userId: string, deviceId: string, txnId: string, eventId: string, ts: number): void {
    this.db.run(
      this.db.kysely
        .insertInto('client_txn_ids')
        .values({
          user_id: userId,
          device_id: deviceId,
          txn_id: txnId,
          event_id: eventId,
          created_ts: ts,
        })
        .onConflict((oc) => oc.columns(['user_id', 'device_id', 'txn_id']).doNothing()),
    );
  }

  /** The device and transaction that created an event, for `unsigned.transaction_id`. */
  transactionOf(eventId: string): { userId: string; deviceId: string; txnId: string } | undefined {
    const row = this.db.get(
      this.db.kysely
        .selectFrom('client_txn_ids')
        .select(['user_id', 'device_id', 'txn_id'])
        .where('event_id', '=', eventId),
    );
    return row && { userId: row.user_id, deviceId: row.device_id, txnId: row.txn_id };
  }
}
