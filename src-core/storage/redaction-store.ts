/** Which redaction names which target (`event_redactions`), independent of arrival order. */
import type { Database } from './database';

export class RedactionStore {
  constructor(private readonly db: Database) {}

  record(redactionId: string, targetId: string, roomId: string): void {
    this.db.run(
      this.db.kysely
        .insertInto('event_redactions')
        .values({ redaction_id: redactionId, target_id: targetId, room_id: roomId })
        .onConflict((oc) => oc.column('redaction_id').doNothing()),
    );
  }

  redactionsOf(targetId: string): string[] {
    return this.db
      .all(
        this.db.kysely
          .selectFrom('event_redactions')
          .select('redaction_id')
          .where('target_id', '=', targetId),
      )
      .map((row) => row.redaction_id);
  }
}
