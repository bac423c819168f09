/**
 * Remote servers' signing keys (`server_keys`). One row per (server, key ID): current keys carry
 * `valid_until_ts`; keys from `old_verify_keys` also carry `expired_ts`.
 */
import type { Database } from './database';

export interface StoredServerKey {
  serverName: string;
  keyId: string;
  /** Unpadded base64, as published. */
  publicKey: string;
  validUntilTs: number;
  expiredTs: number | undefined;
  fetchedTs: number;
}

export class ServerKeyStore {
  constructor(private readonly db: Database) {}

  forServer(serverName: string): StoredServerKey[] {
    return this.db
      .all(
        this.db.kysely.selectFrom('server_keys').selectAll().where('server_name', '=', serverName),
      )
      .map((row) => ({
        serverName: row.server_name,
        keyId: row.key_id,
        publicKey: row.public_key,
        validUntilTs: row.valid_until_ts,
        expiredTs: row.expired_ts ?? undefined,
        fetchedTs: row.fetched_ts,
      }));
  }

  /**
   * Stores keys from one verified response. A stale answer (e.g. an old notary copy) never
   * shortens what we already know: validity only grows, and a key once marked expired keeps its
   * earliest `expired_ts` unless the server lists it as current again.
   */
  upsert(keys: readonly StoredServerKey[]): void {
    this.db.transaction(() => {
      for (const key of keys) {
        this.db.run(
          this.db.kysely
            .insertInto('server_keys')
            .values({
              server_name: key.serverName,
              key_id: key.keyId,
              public_key: key.publicKey,
              valid_until_ts: key.validUntilTs,
              expired_ts: key.expiredTs ?? null,
              fetched_ts: key.fetchedTs,
            })
            .onConflict((oc) =>
              oc.columns(['server_name', 'key_id']).doUpdateSet((eb) => ({
                public_key: eb.ref('excluded.public_key'),
                valid_until_ts: eb.fn('max', [
                  eb.ref('server_keys.valid_until_ts'),
                  eb.ref('excluded.valid_until_ts'),
                ]),
                expired_ts: eb.ref('excluded.expired_ts'),
                fetched_ts: eb.ref('excluded.fetched_ts'),
              })),
            ),
        );
      }
    });
  }
}
