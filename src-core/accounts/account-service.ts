/**
 * Local accounts: registration, password login, sessions (device + access token), profiles,
 * devices, filters and account data. Route modules stay thin and call this service; other
 * subsystems listen for changes (`onProfileChanged`, `onAccountDataChanged`) instead of this
 * service knowing about rooms or sync.
 *
 * Errors are MatrixErrors with the spec's errcodes because every caller is an API edge (the
 * Synapse habit of raising SynapseError from handlers).
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { MatrixError, forbidden, invalidParam, notFound } from '../http/matrix-error';
import type { Logger } from '../logging/logger';
import type { JsonObject } from '../rules/json';
import { parseUserId } from '../rules/identifiers/user-id';
import { GLOBAL_ACCOUNT_DATA_ROOM } from '../storage/account-store';
import type { AccountStore, StoredDevice, StoredProfile } from '../storage/account-store';
import type { Clock } from '../util/clock';
import { generateAccessToken, generateDeviceId, hashAccessToken } from './access-token';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password-hash';

/** Who made an authenticated request. */
export interface Requester {
  readonly userId: string;
  readonly deviceId: string;
}

export interface NewSession {
  userId: string;
  deviceId: string;
  accessToken: string;
}

export interface ProfileChange {
  userId: string;
  profile: StoredProfile;
}

export interface AccountDataChange {
  userId: string;
  /** Undefined for global account data. */
  roomId: string | undefined;
  type: string;
  streamId: number;
}

/** Synapse's limits: long enough for any real name, short enough to keep member events small. */
export const MAX_DISPLAY_NAME_LENGTH = 256;
export const MAX_AVATAR_URL_LENGTH = 1000;
export const MAX_DEVICE_DISPLAY_NAME_LENGTH = 100;
export const MAX_DEVICE_ID_LENGTH = 255;
/** Longer passwords only cost scrypt time; Synapse refuses over 512 too. */
export const MAX_PASSWORD_LENGTH = 512;
/** A device's `last_seen_ts` is rewritten at most this often, not on every request. */
const DEVICE_TOUCH_INTERVAL_MS = 60_000;

type Listener<T> = (change: T) => void;

export class AccountService {
  private readonly profileListeners = new Set<Listener<ProfileChange>>();
  private readonly accountDataListeners = new Set<Listener<AccountDataChange>>();

  constructor(
    private readonly store: AccountStore,
    private readonly serverName: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  // ---- change notifications ----

  /**
   * Called after a local user's displayname or avatar_url changed. The room subsystem hooks in
   * here to send updated `m.room.member` events into the user's joined rooms. Returns an
   * unsubscribe function. Listener errors are logged, never thrown back at the client.
   */
  onProfileChanged(listener: Listener<ProfileChange>): () => void {
    this.profileListeners.add(listener);
    return () => this.profileListeners.delete(listener);
  }

  /** Called after account data was stored (e.g. to wake /sync long-polls). */
  onAccountDataChanged(listener: Listener<AccountDataChange>): () => void {
    this.accountDataListeners.add(listener);
    return () => this.accountDataListeners.delete(listener);
  }

  private notify<T>(listeners: Set<Listener<T>>, change: T, what: string): void {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error(`${what} listener failed`, {
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
    }
  }

  // ---- user IDs ----

  isLocalUserId(userId: string): boolean {
    const parsed = parseUserId(userId, 'historical');
    return parsed.ok && parsed.value.serverName === this.serverName;
  }

  userExists(userId: string): boolean {
    return this.store.getUser(userId) !== undefined;
  }

  /**
   * The user ID a requested username would get. Usernames are lower-cased first, as Synapse
   * does, then must match the strict localpart grammar (spec appendix "User Identifiers").
   */
  userIdForUsername(username: string): string {
    const localpart = username.toLowerCase();
    const userId = `@${localpart}:${this.serverName}`;
    const parsed = parseUserId(userId, 'strict');
    if (!parsed.ok) {
      throw new MatrixError(400, 'M_INVALID_USERNAME', `Invalid username: ${parsed.reason}`);
    }
    return userId;
  }

  /** Throws M_INVALID_USERNAME or M_USER_IN_USE; returns the user ID it would register. */
  checkUsernameAvailable(username: string): string {
    const userId = this.userIdForUsername(username);
    if (this.userExists(userId)) {
      throw new MatrixError(400, 'M_USER_IN_USE', `User ID ${userId} is already taken`);
    }
    return userId;
  }

  private generateLocalpart(): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let localpart = 'u';
    for (let i = 0; i < 11; i++) localpart += alphabet[randomInt(alphabet.length)];
    return localpart;
  }

  // ---- registration and login ----

  /**
   * Creates a local account (the caller has completed User-Interactive Auth already) and, unless
   * `inhibitLogin`, its first device and access token.
   */
  async register(request: {
    username: string | undefined;
    password: string | undefined;
    deviceId: string | undefined;
    initialDeviceDisplayName: string | undefined;
    inhibitLogin: boolean;
  }): Promise<{ userId: string; session: NewSession | undefined }> {
    const passwordHash =
      request.password === undefined ? null : await hashPassword(request.password);
    const createdTs = this.clock.now();
    let userId: string;
    if (request.username !== undefined) {
      userId = this.checkUsernameAvailable(request.username);
      // Two concurrent registrations of one name both pass the check above while hashing; the
      // primary key decides, and the loser is told the name is in use.
      if (!this.createUser(userId, passwordHash, createdTs)) {
        throw new MatrixError(400, 'M_USER_IN_USE', `User ID ${userId} is already taken`);
      }
    } else {
      do {
        userId = `@${this.generateLocalpart()}:${this.serverName}`;
      } while (!this.createUser(userId, passwordHash, createdTs));
    }
    this.logger.info('registered user', { user_id: userId });
    const session = request.inhibitLogin
      ? undefined
      : this.startSession(userId, request.deviceId, request.initialDeviceDisplayName);
    return { userId, session };
  }

  private createUser(userId: string, passwordHash: string | null, createdTs: number): boolean {
    // Synapse's default too: a new user's display name is their localpart.
    const localpart = userId.slice(1, userId.indexOf(':'));
    return this.store.createUser({ userId, passwordHash, createdTs, displayName: localpart });
  }

  /**
   * Resolves the `user` of an `m.id.user` identifier: a full user ID or a bare localpart. Only
   * local users can log in here; the localpart is matched case-insensitively (Synapse does the
   * same, since we only ever allocate lower-case localparts).
   */
  private resolveLoginUser(user: string): string | undefined {
    const full = user.startsWith('@') ? user : `@${user}:${this.serverName}`;
    const colon = full.indexOf(':');
    if (colon === -1) return undefined;
    const userId = `@${full.slice(1, colon).toLowerCase()}:${full.slice(colon + 1)}`;
    return this.isLocalUserId(userId) ? userId : undefined;
  }

  /** `m.login.password`: 403 M_FORBIDDEN for any wrong user/password combination. */
  async loginWithPassword(request: {
    user: string;
    password: string;
    deviceId: string | undefined;
    initialDeviceDisplayName: string | undefined;
  }): Promise<NewSession> {
    const userId = this.resolveLoginUser(request.user);
    const account = userId === undefined ? undefined : this.store.getUser(userId);
    const matches =
      account !== undefined && account.passwordHash !== null
        ? await verifyPassword(request.password, account.passwordHash)
        : await verifyAgainstDummy(request.password);
    if (!account || !matches) throw forbidden('Invalid username or password');
    if (account.deactivated) {
      throw new MatrixError(403, 'M_USER_DEACTIVATED', 'This account has been deactivated');
    }
    return this.startSession(account.userId, request.deviceId, request.initialDeviceDisplayName);
  }

  /**
   * For `m.login.password` UIA stages (e.g. deleting devices): `user` must name `userId` itself
   * and the password must be its password.
   */
  async confirmPassword(userId: string, user: string, password: string): Promise<boolean> {
    const account = this.resolveLoginUser(user) === userId ? this.store.getUser(userId) : undefined;
    if (account === undefined || account.passwordHash === null) {
      return verifyAgainstDummy(password);
    }
    return verifyPassword(password, account.passwordHash);
  }

  /** Creates (or reuses, when the client names an existing one) a device and a new token. */
  startSession(
    userId: string,
    requestedDeviceId: string | undefined,
    initialDisplayName: string | undefined,
  ): NewSession {
    const deviceId = requestedDeviceId ?? generateDeviceId();
    const accessToken = generateAccessToken();
    const now = this.clock.now();
    const displayName =
      initialDisplayName === undefined
        ? null
        : initialDisplayName.slice(0, MAX_DEVICE_DISPLAY_NAME_LENGTH);
    this.store.transaction(() => {
      this.store.ensureDevice(userId, deviceId, displayName, now);
      this.store.insertAccessToken(hashAccessToken(accessToken), userId, deviceId, now);
    });
    return { userId, deviceId, accessToken };
  }

  /** The owner of an access token, or undefined for an unknown (or logged-out) token. */
  authenticateToken(accessToken: string): Requester | undefined {
    const owner = this.store.findAccessToken(hashAccessToken(accessToken));
    if (!owner) return undefined;
    const now = this.clock.now();
    if (owner.lastSeenTs === null || now - owner.lastSeenTs >= DEVICE_TOUCH_INTERVAL_MS) {
      this.store.touchDevice(owner.userId, owner.deviceId, now);
    }
    return { userId: owner.userId, deviceId: owner.deviceId };
  }

  /** Spec: logging out deletes the device along with its tokens. */
  logout(requester: Requester): void {
    this.store.deleteDevice(requester.userId, requester.deviceId);
  }

  logoutAll(userId: string): void {
    this.store.deleteAllDevices(userId);
  }

  /** Constant-time comparison of a registration token against the configured one. */
  static registrationTokenMatches(given: string, expected: string): boolean {
    const a = Buffer.from(given, 'utf8');
    const b = Buffer.from(expected, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  // ---- profiles ----

  /** 404 M_NOT_FOUND for a user without a profile (unknown or not local). */
  getProfile(userId: string): StoredProfile {
    const profile = this.store.getProfile(userId);
    if (!profile) throw notFound(`No profile for ${userId}`);
    return profile;
  }

  setDisplayName(userId: string, displayName: string | null): void {
    if (displayName !== null && displayName.length > MAX_DISPLAY_NAME_LENGTH) {
      throw invalidParam(`displayname is longer than ${MAX_DISPLAY_NAME_LENGTH} characters`);
    }
    this.setProfileField(userId, 'displayName', displayName === '' ? null : displayName);
  }

  setAvatarUrl(userId: string, avatarUrl: string | null): void {
    if (avatarUrl !== null && avatarUrl !== '') {
      if (avatarUrl.length > MAX_AVATAR_URL_LENGTH) {
        throw invalidParam(`avatar_url is longer than ${MAX_AVATAR_URL_LENGTH} characters`);
      }
      // Spec (profile API): "For avatar_url, the value MUST be an MXC URI string."
      if (!/^mxc:\/\/[^/]+\/[^/]+$/.test(avatarUrl)) {
        throw invalidParam('avatar_url must be an mxc:// URI');
      }
    }
    this.setProfileField(userId, 'avatarUrl', avatarUrl === '' ? null : avatarUrl);
  }

  private setProfileField(
    userId: string,
    field: 'displayName' | 'avatarUrl',
    value: string | null,
  ): void {
    this.store.setProfileField(userId, field, value);
    const profile = this.getProfile(userId);
    this.notify(this.profileListeners, { userId, profile }, 'profile change');
  }

  // ---- devices ----

  listDevices(userId: string): StoredDevice[] {
    return this.store.listDevices(userId);
  }

  getDevice(userId: string, deviceId: string): StoredDevice {
    const device = this.store.getDevice(userId, deviceId);
    if (!device) throw notFound(`No device ${deviceId}`);
    return device;
  }

  /** Deletes the devices (and their tokens); IDs that name no device are skipped. */
  deleteDevices(userId: string, deviceIds: readonly string[]): void {
    this.store.transaction(() => {
      for (const deviceId of deviceIds) this.store.deleteDevice(userId, deviceId);
    });
  }

  renameDevice(userId: string, deviceId: string, displayName: string | null): void {
    if (displayName !== null && displayName.length > MAX_DEVICE_DISPLAY_NAME_LENGTH) {
      throw invalidParam(
        `display_name is longer than ${MAX_DEVICE_DISPLAY_NAME_LENGTH} characters`,
      );
    }
    if (!this.store.setDeviceDisplayName(userId, deviceId, displayName)) {
      throw notFound(`No device ${deviceId}`);
    }
  }

  // ---- filters ----

  createFilter(userId: string, filter: JsonObject): string {
    return String(this.store.addFilter(userId, filter));
  }

  /** Filter IDs are our decimal counters; anything else cannot name a stored filter. */
  getFilter(userId: string, filterId: string): JsonObject {
    const filter = /^\d{1,15}$/.test(filterId)
      ? this.store.getFilter(userId, Number(filterId))
      : undefined;
    if (!filter) throw notFound(`No filter ${filterId} for ${userId}`);
    return filter;
  }

  // ---- account data ----

  setAccountData(
    userId: string,
    roomId: string | undefined,
    type: string,
    content: JsonObject,
  ): void {
    const streamId = this.store.setAccountData(
      userId,
      roomId ?? GLOBAL_ACCOUNT_DATA_ROOM,
      type,
      content,
    );
    this.notify(this.accountDataListeners, { userId, roomId, type, streamId }, 'account data');
  }

  getAccountData(userId: string, roomId: string | undefined, type: string): JsonObject {
    const content = this.store.getAccountData(userId, roomId ?? GLOBAL_ACCOUNT_DATA_ROOM, type);
    if (!content) throw notFound(`No account data of type ${type}`);
    return content;
  }
}
