/** Reads the highest stream position stored anywhere, to seed the StreamCounter at start. */
import type { Database } from './database';

export function highestStreamPosition(db: Database): number {
  const row = db.sqlite
    .prepare(
      `SELECT max(
         coalesce((SELECT max(stream_ordering) FROM events), 0),
         coalesce((SELECT max(stream_id) FROM account_data), 0),
         coalesce((SELECT max(stream_id) FROM receipts), 0),
         coalesce((SELECT max(stream_id) FROM device_inbox), 0),
         coalesce((SELECT max(stream_id) FROM un_partial_stated_rooms), 0),
         coalesce((SELECT max(stream_id) FROM presence), 0),
         coalesce((SELECT max(stream_id) FROM device_list_changes), 0),
         coalesce((SELECT max(position) FROM deleted_stream_high_water), 0)
       ) AS position`,
    )
    .get() as { position: number };
  return row.position;
}
