/**
 * A Homeserver is built from its config plus the few things an embedder supplies (logger,
 * clock). It holds no module-level state, so tests, the demo federation and benchmarks can run
 * several in one process, and the Electron main process embeds the very same object.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { AccountService } from './accounts/account-service';
import { adminAccessPolicy } from './admin-api/admin-access';
import { registerAdminApi } from './admin-api/admin-http-routes';
import { registerAdminUi } from './admin-api/admin-ui-static';
import { AdminService } from './admin-api/admin-service';
import { adminTokenPath, loadOrCreateAdminToken } from './admin-api/admin-token';
import { registerClientApi } from './client-api/client-api-routes';
import type { HomeserverConfig } from './config/homeserver-config';
import { registerFederationApi } from './federation-api/federation-api-routes';
import { createFederationServices, stopFederationServices } from './federation-services';
import type { HomeserverContext } from './homeserver-context';
import { createFederationEventServices } from './federation-events/federation-event-services';
import { wireFederationEdus } from './federation-edus/federation-edu-services';
import { ResyncScheduler } from './resync/resync-scheduler';
import { RoomServices } from './rooms/room-services';
import { ResyncStore } from './storage/resync-store';
import { connectRoomsToAccounts } from './rooms/profile-propagation';
import { StreamCounter } from './storage/stream-counter';
import { SyncServices } from './sync/sync-services';
import { highestStreamPosition } from './storage/stream-position';
import { createHttpServer } from './http/http-server';
import { TokenBucketLimiter } from './http/token-bucket-limiter';
import { registerKeyApi } from './key-api/key-api-routes';
import { loadOrCreateSigningKey } from './keys/signing-key-store';
import { loadOrCreateTlsMaterial } from './keys/tls-certificate';
import type { Logger } from './logging/logger';
import { LogTap } from './logging/log-tap';
import { initCrypto } from './rules/signing/sodium';
import { AccountStore } from './storage/account-store';
import { Database } from './storage/database';
import type { Clock } from './util/clock';
import { systemClock } from './util/clock';
import path from 'node:path';

export const DATABASE_FILE = 'skein.sqlite';

/** Client API request bodies above this are refused (federation responses have their own limit). */
export const CLIENT_BODY_LIMIT_BYTES = 1024 * 1024;

export interface HomeserverDependencies {
  logger: Logger;
  clock?: Clock;
}

export class Homeserver {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly context: HomeserverContext,
    /** The admin API, in-process (the Electron IPC bridge wraps this directly). */
    readonly admin: AdminService,
    private readonly http: FastifyInstance,
  ) {}

  /** Where the admin bearer token lives (the file is named in the ready line, never the token). */
  get adminTokenFile(): string {
    return adminTokenPath(this.config.dataDir);
  }

  get config(): HomeserverConfig {
    return this.context.config;
  }

  /** Opens storage, keys and TLS, registers every API and starts listening. */
  static async start(config: HomeserverConfig, deps: HomeserverDependencies): Promise<Homeserver> {
    const clock = deps.clock ?? systemClock;
    // Warnings and errors also reach the admin GUI's log view (connected once the admin exists).
    const logTap = new LogTap(deps.logger.child({ server_name: config.serverName }), {
      now: () => clock.now(),
    });
    const logger = logTap.logger;
    await initCrypto();
    mkdirSync(config.dataDir, { recursive: true });
    const { key: signingKey, created: keyCreated } = loadOrCreateSigningKey(config.dataDir);
    if (keyCreated) logger.info('generated signing key', { key_id: signingKey.keyId });
    const tls = await loadOrCreateTlsMaterial({
      dataDir: config.dataDir,
      serverName: config.serverName,
      certificateFile: config.tlsCertificateFile,
      keyFile: config.tlsKeyFile,
      now: new Date(clock.now()),
    });
    if (tls.created) logger.info('generated self-signed TLS certificate');
    const database = await Database.open(path.join(config.dataDir, DATABASE_FILE), logger);

    // One stream for everything /sync delivers, seeded from what is stored.
    const stream = new StreamCounter(highestStreamPosition(database));
    const rooms = new RoomServices({
      database,
      serverName: config.serverName,
      signingKey,
      clock,
      stream,
      logger,
    });
    const federation = createFederationServices({ config, database, signingKey, clock, logger });
    const accounts = new AccountService(
      new AccountStore(database, () => stream.next()),
      config.serverName,
      clock,
      logger.child({ component: 'accounts' }),
    );
    const federationEvents = createFederationEventServices({
      serverName: config.serverName,
      signingKey,
      rooms,
      federation,
      stream,
      clock,
      userExists: (userId) => accounts.userExists(userId),
      logger,
      roomRequestLimits: config.federation.roomRequests,
    });
    const resync = new ResyncScheduler({
      serverName: config.serverName,
      rooms,
      store: new ResyncStore(database),
      stateFetcher: federationEvents.stateFetcher,
      clock,
      logger,
    });
    federationEvents.remoteMembership.onPartialJoin((roomId) =>
      resync.ensure(roomId, { paused: config.resync.startPaused }),
    );
    const context: HomeserverContext = {
      config,
      serverName: config.serverName,
      logger,
      clock,
      database,
      signingKey,
      stream,
      rooms,
      federation,
      federationEvents,
      accounts,
      resync,
      accountAuthLimiter: new TokenBucketLimiter(config.rateLimits.accountAuth, clock),
      sync: new SyncServices({
        database,
        serverName: config.serverName,
        stream,
        clock,
        rooms,
        accounts,
      }),
    };

    connectRoomsToAccounts(context.rooms, context.accounts, logger.child({ component: 'rooms' }));
    // The room leaves partial state and /sync learns of it in one transaction.
    resync.onCompleting((roomId) => context.sync.notifier.notifyRoomUnPartialStated(roomId));
    // Typing, receipts, to-device, presence and device lists over federation, both ways.
    wireFederationEdus(context);

    const admin = new AdminService(context);
    logTap.connect((line) => admin.publishLog(line));
    const adminToken = loadOrCreateAdminToken(config.dataDir);

    const http = createHttpServer({ tls, logger, bodyLimitBytes: CLIENT_BODY_LIMIT_BYTES });
    registerClientApi(http, context);
    registerFederationApi(http, context);
    registerKeyApi(http, context);
    const adminPolicy = adminAccessPolicy(adminToken, config.serverName, config.listen.host);
    registerAdminApi(http, { admin: () => admin, policy: adminPolicy, logger });
    registerAdminUi(http, { policy: adminPolicy });

    const homeserver = new Homeserver(context, admin, http);
    try {
      await http.listen({ host: config.listen.host, port: config.listen.port });
      logger.info('listening', { host: config.listen.host, port: homeserver.port });
    } catch (error) {
      await stopFederationServices(context.federation);
      database.close();
      throw error;
    }
    context.federation.outboundQueue.start();
    resync.resumeAll();
    return homeserver;
  }

  /** The port actually bound (differs from the config when it asked for port 0). */
  get port(): number {
    return (this.http.server.address() as AddressInfo).port;
  }

  get baseUrl(): string {
    const host = this.config.listen.host.includes(':')
      ? `[${this.config.listen.host}]`
      : this.config.listen.host;
    return `https://${host}:${this.port}`;
  }

  /** Stops accepting requests, lets in-flight ones finish, then closes storage. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // Long-polls answer now, so closing the HTTP server does not wait out their timeouts.
      this.context.sync.stop();
      // Resyncs stop between events, so no event is left half re-authorised.
      await this.context.resync.stop();
      await stopFederationServices(this.context.federation);
      await this.http.close();
      this.context.database.close();
      this.context.logger.info('stopped');
    })();
    return this.stopping;
  }
}
