/**
 * What request handlers and services of one Homeserver share. Built once in
 * `Homeserver.start`; each subsystem adds its service here, and route modules receive this
 * object rather than reaching for globals.
 */
import type { HomeserverConfig } from './config/homeserver-config';
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
}
