/**
 * The `m.direct_to_device` message IDs already delivered, per origin. A sender retries a whole
 * transaction when it never saw our 200, so the same message can arrive twice; the spec makes
 * `message_id` the key to drop the repeat.
 */
import type { Database } from './database';

export class ReceivedToDeviceStore {
  constructor(private readonly db: Database) {}

  /** Records the message; false when it was already recorded (a repeat). */
  recordIfNew(origin: string, messageId: string, receivedTs: number): boolean {
    const result = this.db.sqlite
      .prepare(
        `INSERT OR IGNORE INTO received_to_device_messages (origin, message_id, received_ts)
         VALUES (?, ?, ?)`,
      )
      .run(origin, messageId, receivedTs);
    return result.changes === 1;
  }

  /** Forgets IDs received before `beforeTs` (senders stop retrying long before then). */
  pruneBefore(beforeTs: number): void {
    this.db.run(
      this.db.kysely.deleteFrom('received_to_device_messages').where('received_ts', '<', beforeTs),
    );
  }
}
