/**
 * To-device messages waiting for local devices (spec: client-server "Send-to-Device
 * messaging"). A message stays until its device syncs with a token at or past it, which is the
 * client's acknowledgement; only then is it deleted.
 */
import { isJsonObject } from '../rules/json';
import type { JsonObject } from '../rules/json';
import type { Database } from './database';

export interface InboxMessage {
  streamId: number;
  sender: string;
  type: string;
  content: JsonObject;
}

const INBOX_STREAM = 'device_inbox';

export class DeviceInboxStore {
  constructor(private readonly db: Database) {}

  add(
    userId: string,
    deviceId: string,
    message: { streamId: number; sender: string; type: string; content: JsonObject },
  ): void {
    this.db.run(
      this.db.kysely.insertInto('device_inbox').values({
        user_id: userId,
        device_id: deviceId,
        stream_id: message.streamId,
        sender: message.sender,
        type: message.type,
        content: JSON.stringify(message.content),
      }),
    );
  }

  /** Pending messages for the device up to `upTo`, oldest first, at most `limit`. */
  pending(userId: string, deviceId: string, upTo: number, limit: number): InboxMessage[] {
    return this.db
      .all(
        this.db.kysely
          .selectFrom('device_inbox')
          .select(['stream_id', 'sender', 'type', 'content'])
          .where('user_id', '=', userId)
          .where('device_id', '=', deviceId)
          .where('stream_id', '<=', upTo)
          .orderBy('stream_id')
          .limit(limit),
      )
      .map((row) => {
        const content: unknown = JSON.parse(row.content);
        return {
          streamId: row.stream_id,
          sender: row.sender,
          type: row.type,
          content: isJsonObject(content) ? content : {},
        };
      });
  }

  /**
   * Deletes what the device acknowledged (positions ≤ `upTo`). The highest deleted position is
   * remembered so the stream counter is never seeded below a token a client already holds.
   */
  acknowledge(userId: string, deviceId: string, upTo: number): number {
    return this.db.transaction(() => {
      const row = this.db.get(
        this.db.kysely
          .selectFrom('device_inbox')
          .select((eb) => eb.fn.max('stream_id').as('max_id'))
          .where('user_id', '=', userId)
          .where('device_id', '=', deviceId)
          .where('stream_id', '<=', upTo),
      );
      const highest = row?.max_id ?? null;
      if (highest === null) return 0;
      const { changes } = this.db.run(
        this.db.kysely
          .deleteFrom('device_inbox')
          .where('user_id', '=', userId)
          .where('device_id', '=', deviceId)
          .where('stream_id', '<=', upTo),
      );
      this.db.sqlite
        .prepare(
          `INSERT INTO deleted_stream_high_water (stream_name, position) VALUES (?, ?)
           ON CONFLICT (stream_name) DO UPDATE SET position = max(position, excluded.position)`,
        )
        .run(INBOX_STREAM, highest);
      return changes;
    });
  }

  /** Drops every message for a device (it was deleted or logged out). */
  clearDevice(userId: string, deviceId: string): void {
    this.acknowledge(userId, deviceId, Number.MAX_SAFE_INTEGER);
  }
}
