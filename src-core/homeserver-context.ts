/**
 * What request handlers and services of one Homeserver share. Built once in
 * `Homeserver.start`; each subsystem adds its service here, and route modules receive this
 * object rather than reaching for globals.
 */
import type { AccountService } from './accounts/account-service';
import type { HomeserverConfig } from './config/homeserver-config';
import type { TokenBucketLimiter } from './http/token-bucket-limiter';
import type { Logger } from './logging/logger';
import type { SigningKey } from './rules/signing/signing-key';
import type { Database } from './storage/database';
import type { Clock } from './util/clock';

export interface HomeserverContext {
  readonly config: HomeserverConfig;
  readonly serverName: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly database: Database;
  readonly signingKey: SigningKey;
  /** Local accounts, sessions, profiles, devices, filters, account data. */
  readonly accounts: AccountService;
  /** Per-IP limiter shared by /login and /register (config.rateLimits.accountAuth). */
  readonly accountAuthLimiter: TokenBucketLimiter;
}
