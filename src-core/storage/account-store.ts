/**
 * Storage for local accounts: users, their profiles, devices, access tokens (hashed), filters and
 * account data. Every method is synchronous (see database.ts); callers that need several writes
 * to land together wrap them in `database.transaction`.
 */
import { isJsonObject } from '../rules/json';
import type { JsonObject } from '../rules/json';
import type { Database } from './database';

export interface StoredUser {
  userId: string;
  passwordHash: string | null;
  isAdmin: boolean;
  deactivated: boolean;
  createdTs: number;
}

export interface StoredDevice {
  userId: string;
  deviceId: string;
  displayName: string | null;
  lastSeenTs: number | null;
}

export interface StoredProfile {
  displayName: string | null;
  avatarUrl: string | null;
}

/** What an access token hash resolves to. */
export interface AccessTokenOwner {
  userId: string;
  deviceId: string;
  /** The device's last activity, so callers can throttle `touchDevice` writes. */
  lastSeenTs: number | null;
}

export interface StoredAccountData {
  /** `''` for global account data. */
  roomId: string;
  type: string;
  content: JsonObject;
  streamId: number;
}

/** Account data rows are written with empty string for "global" (the column is NOT NULL). */
export const GLOBAL_ACCOUNT_DATA_ROOM = '';

function parseStoredObject(json: string, what: string): JsonObject {
  const value: unknown = JSON.parse(json);
  if (!isJsonObject(value)) throw new Error(`stored ${what} is not a JSON object`);
  return value;
}

export class AccountStore {
  constructor(
    private readonly database: Database,
    /**
     * The shared stream position source (context.stream), so /sync can order account data.
     * Without one (stand-alone tests), positions count up within the account_data table.
     */
    private readonly nextStreamId?: () => number,
  ) {}

  private get db() {
    return this.database.kysely;
  }

  /** Runs several store calls atomically (synchronous work only; see Database.transaction). */
  transaction<T>(work: () => T): T {
    return this.database.transaction(work);
  }

  // ---- users and profiles ----

  getUser(userId: string): StoredUser | undefined {
    const row = this.database.get(
      this.db.selectFrom('users').selectAll().where('user_id', '=', userId),
    );
    if (!row) return undefined;
    return {
      userId: row.user_id,
      passwordHash: row.password_hash,
      isAdmin: row.is_admin !== 0,
      deactivated: row.deactivated !== 0,
      createdTs: row.created_ts,
    };
  }

  /** Creates the user and its profile row; false when the user ID is taken. */
  createUser(user: {
    userId: string;
    passwordHash: string | null;
    createdTs: number;
    displayName: string | null;
  }): boolean {
    return this.database.transaction(() => {
      const result = this.database.run(
        this.db
          .insertInto('users')
          .values({
            user_id: user.userId,
            password_hash: user.passwordHash,
            is_admin: 0,
            deactivated: 0,
            created_ts: user.createdTs,
          })
          .onConflict((conflict) => conflict.column('user_id').doNothing()),
      );
      if (result.changes === 0) return false;
      this.database.run(
        this.db
          .insertInto('profiles')
          .values({ user_id: user.userId, display_name: user.displayName, avatar_url: null })
          .onConflict((conflict) => conflict.column('user_id').doNothing()),
      );
      return true;
    });
  }

  getProfile(userId: string): StoredProfile | undefined {
    const row = this.database.get(
      this.db
        .selectFrom('profiles')
        .select(['display_name', 'avatar_url'])
        .where('user_id', '=', userId),
    );
    return row && { displayName: row.display_name, avatarUrl: row.avatar_url };
  }

  setProfileField(userId: string, field: 'displayName' | 'avatarUrl', value: string | null): void {
    const column = field === 'displayName' ? 'display_name' : 'avatar_url';
    this.database.run(
      this.db
        .insertInto('profiles')
        .values({ user_id: userId, display_name: null, avatar_url: null, [column]: value })
        .onConflict((conflict) => conflict.column('user_id').doUpdateSet({ [column]: value })),
    );
  }

  // ---- devices ----

  getDevice(userId: string, deviceId: string): StoredDevice | undefined {
    const row = this.database.get(
      this.db
        .selectFrom('devices')
        .selectAll()
        .where('user_id', '=', userId)
        .where('device_id', '=', deviceId),
    );
    return row && toDevice(row);
  }

  listDevices(userId: string): StoredDevice[] {
    return this.database
      .all(
        this.db
          .selectFrom('devices')
          .selectAll()
          .where('user_id', '=', userId)
          .orderBy('device_id'),
      )
      .map(toDevice);
  }

  /** Creates the device unless it exists (an existing device keeps its name). */
  ensureDevice(userId: string, deviceId: string, displayName: string | null, nowTs: number): void {
    this.database.run(
      this.db
        .insertInto('devices')
        .values({
          user_id: userId,
          device_id: deviceId,
          display_name: displayName,
          last_seen_ts: nowTs,
        })
        .onConflict((conflict) => conflict.columns(['user_id', 'device_id']).doNothing()),
    );
  }

  /** False when there is no such device. */
  setDeviceDisplayName(userId: string, deviceId: string, displayName: string | null): boolean {
    const result = this.database.run(
      this.db
        .updateTable('devices')
        .set({ display_name: displayName })
        .where('user_id', '=', userId)
        .where('device_id', '=', deviceId),
    );
    return result.changes > 0;
  }

  touchDevice(userId: string, deviceId: string, nowTs: number): void {
    this.database.run(
      this.db
        .updateTable('devices')
        .set({ last_seen_ts: nowTs })
        .where('user_id', '=', userId)
        .where('device_id', '=', deviceId),
    );
  }

  /** Deletes the device and every access token issued to it. */
  deleteDevice(userId: string, deviceId: string): void {
    this.database.transaction(() => {
      this.database.run(
        this.db
          .deleteFrom('access_tokens')
          .where('user_id', '=', userId)
          .where('device_id', '=', deviceId),
      );
      this.database.run(
        this.db
          .deleteFrom('devices')
          .where('user_id', '=', userId)
          .where('device_id', '=', deviceId),
      );
    });
  }

  /** Deletes every device and access token of the user; returns the deleted device IDs. */
  deleteAllDevices(userId: string): string[] {
    return this.database.transaction(() => {
      const devices = this.listDevices(userId).map((device) => device.deviceId);
      this.database.run(this.db.deleteFrom('access_tokens').where('user_id', '=', userId));
      this.database.run(this.db.deleteFrom('devices').where('user_id', '=', userId));
      return devices;
    });
  }

  // ---- access tokens ----

  insertAccessToken(tokenHash: string, userId: string, deviceId: string, nowTs: number): void {
    this.database.run(
      this.db.insertInto('access_tokens').values({
        token_hash: tokenHash,
        user_id: userId,
        device_id: deviceId,
        created_ts: nowTs,
      }),
    );
  }

  findAccessToken(tokenHash: string): AccessTokenOwner | undefined {
    const row = this.database.get(
      this.db
        .selectFrom('access_tokens')
        .leftJoin('devices', (join) =>
          join
            .onRef('devices.user_id', '=', 'access_tokens.user_id')
            .onRef('devices.device_id', '=', 'access_tokens.device_id'),
        )
        .select(['access_tokens.user_id', 'access_tokens.device_id', 'devices.last_seen_ts'])
        .where('access_tokens.token_hash', '=', tokenHash),
    );
    return (
      row && { userId: row.user_id, deviceId: row.device_id, lastSeenTs: row.last_seen_ts ?? null }
    );
  }

  // ---- filters ----

  /** Stores the filter and returns its ID (per user, counting up from 0). */
  addFilter(userId: string, filter: JsonObject): number {
    return this.database.transaction(() => {
      const row = this.database.get(
        this.db
          .selectFrom('filters')
          .select((eb) => eb.fn.max('filter_id').as('max_id'))
          .where('user_id', '=', userId),
      );
      const filterId = row?.max_id === null || row?.max_id === undefined ? 0 : row.max_id + 1;
      this.database.run(
        this.db
          .insertInto('filters')
          .values({ user_id: userId, filter_id: filterId, json: JSON.stringify(filter) }),
      );
      return filterId;
    });
  }

  getFilter(userId: string, filterId: number): JsonObject | undefined {
    const row = this.database.get(
      this.db
        .selectFrom('filters')
        .select('json')
        .where('user_id', '=', userId)
        .where('filter_id', '=', filterId),
    );
    return row && parseStoredObject(row.json, `filter ${filterId} of ${userId}`);
  }

  // ---- account data ----

  /** Stores (replacing) one account data entry; returns its new stream position. */
  setAccountData(userId: string, roomId: string, type: string, content: JsonObject): number {
    return this.database.transaction(() => {
      const streamId = this.nextStreamId?.() ?? this.highestAccountDataStreamId() + 1;
      const json = JSON.stringify(content);
      this.database.run(
        this.db
          .insertInto('account_data')
          .values({ user_id: userId, room_id: roomId, type, json, stream_id: streamId })
          .onConflict((conflict) =>
            conflict
              .columns(['user_id', 'room_id', 'type'])
              .doUpdateSet({ json, stream_id: streamId }),
          ),
      );
      return streamId;
    });
  }

  private highestAccountDataStreamId(): number {
    const row = this.database.get(
      this.db.selectFrom('account_data').select((eb) => eb.fn.max('stream_id').as('max_id')),
    );
    return row?.max_id ?? 0;
  }

  getAccountData(userId: string, roomId: string, type: string): JsonObject | undefined {
    const row = this.database.get(
      this.db
        .selectFrom('account_data')
        .select('json')
        .where('user_id', '=', userId)
        .where('room_id', '=', roomId)
        .where('type', '=', type),
    );
    return row && parseStoredObject(row.json, `account data ${type} of ${userId}`);
  }

  /** Account data changed after `sinceStreamId` (all of it for 0), oldest first: for /sync. */
  listAccountData(userId: string, sinceStreamId = 0): StoredAccountData[] {
    return this.database
      .all(
        this.db
          .selectFrom('account_data')
          .selectAll()
          .where('user_id', '=', userId)
          .where('stream_id', '>', sinceStreamId)
          .orderBy('stream_id'),
      )
      .map((row) => ({
        roomId: row.room_id,
        type: row.type,
        content: parseStoredObject(row.json, `account data ${row.type} of ${userId}`),
        streamId: row.stream_id,
      }));
  }
}

function toDevice(row: {
  user_id: string;
  device_id: string;
  display_name: string | null;
  last_seen_ts: number | null;
}): StoredDevice {
  return {
    userId: row.user_id,
    deviceId: row.device_id,
    displayName: row.display_name,
    lastSeenTs: row.last_seen_ts,
  };
}
