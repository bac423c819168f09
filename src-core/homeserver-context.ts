/**
 * What request handlers and services of one Homeserver share. Built once in
 * `Homeserver.start`; each subsystem adds its service here, and route modules receive this
 * object rather than reaching for globals.
 */
import type { AccountService } from './accounts/account-service';
import type { HomeserverConfig } from './config/homeserver-config';
import type { FederationEventServices } from './federation-events/federation-event-services';
import type { FederationServices } from './federation-services';
import type { TokenBucketLimiter } from './http/token-bucket-limiter';
import type { Logger } from './logging/logger';
import type { ResyncScheduler } from './resync/resync-scheduler';
import type { RoomServices } from './rooms/room-services';
import type { StreamCounter } from './storage/stream-counter';
import type { SigningKey } from './rules/signing/signing-key';
import type { SyncServices } from './sync/sync-services';
import type { Database } from './storage/database';
import type { Clock } from './util/clock';

export interface HomeserverContext {
  readonly config: HomeserverConfig;
  readonly serverName: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly database: Database;
  readonly signingKey: SigningKey;
  /** Outbound client, key ring, outbound queue and the inbound transaction handler. */
  readonly federation: FederationServices;
  /** Positions for everything /sync streams (events, account data, receipts, …). */
  readonly stream: StreamCounter;
  /** Rooms: event building, authorisation, persistence, state. */
  readonly rooms: RoomServices;
  /** PDUs and EDUs from peers, and the calls we make to peers' room endpoints. */
  readonly federationEvents: FederationEventServices;
  /** Background resyncs of partial-stated rooms. */
  readonly resync: ResyncScheduler;
  /** Local accounts, sessions, profiles, devices, filters, account data. */
  readonly accounts: AccountService;
  /** Per-IP limiter shared by /login and /register (config.rateLimits.accountAuth). */
  readonly accountAuthLimiter: TokenBucketLimiter;
  /** /sync, its notifier, typing, receipts and to-device messaging. */
  readonly sync: SyncServices;
}
