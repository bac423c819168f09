/**
 * The federation transport's services for one Homeserver: the outbound HTTPS client, the key
 * ring, the durable outbound queue and the inbound transaction handler slot. Built here so that
 * `Homeserver.start` only wires one object into the context.
 */
import type { HomeserverConfig } from './config/homeserver-config';
import { DestinationPolicy } from './federation-client/destination-policy';
import { FederationHttpClient } from './federation-client/federation-http-client';
import { OutboundQueue } from './federation-client/outbound-queue';
import type { TransactionHandler } from './federation-api/transaction-handler';
import { rejectingTransactionHandler } from './federation-api/transaction-handler';
import { KeyRing } from './keys/key-ring';
import type { Logger } from './logging/logger';
import type { SigningKey } from './rules/signing/signing-key';
import type { Database } from './storage/database';
import { InboundTransactionStore } from './storage/inbound-transaction-store';
import { OutboundQueueStore } from './storage/outbound-queue-store';
import { ServerKeyStore } from './storage/server-key-store';
import type { Clock } from './util/clock';

export interface FederationServices {
  /** The operator's allow/deny lists, applied to every request both ways. */
  readonly destinationPolicy: DestinationPolicy;
  readonly client: FederationHttpClient;
  readonly keyRing: KeyRing;
  readonly outboundQueue: OutboundQueue;
  readonly inboundTransactions: InboundTransactionStore;
  /**
   * Receives the PDUs and EDUs of inbound `/send` transactions. Starts as a handler that knows
   * no rooms; the event pipeline replaces it.
   */
  transactionHandler: TransactionHandler;
}

export function createFederationServices(deps: {
  config: HomeserverConfig;
  database: Database;
  signingKey: SigningKey;
  clock: Clock;
  logger: Logger;
}): FederationServices {
  const { config, database, signingKey, clock, logger } = deps;
  const destinationPolicy = new DestinationPolicy(config.federation.destinations);
  const client = new FederationHttpClient({
    destinationPolicy,
    serverName: config.serverName,
    signingKey,
    tls: {
      insecureSkipTlsVerify: config.federation.insecureSkipTlsVerify,
      trustedCaFile: config.federation.trustedCaFile,
    },
    logger,
    clock,
  });
  return {
    destinationPolicy,
    client,
    keyRing: new KeyRing({
      serverName: config.serverName,
      signingKey,
      store: new ServerKeyStore(database),
      client,
      notaryServers: config.federation.notaryServers,
      clock,
      logger,
    }),
    outboundQueue: new OutboundQueue({
      serverName: config.serverName,
      store: new OutboundQueueStore(database),
      client,
      destinationPolicy,
      clock,
      logger,
    }),
    inboundTransactions: new InboundTransactionStore(database),
    transactionHandler: rejectingTransactionHandler,
  };
}

/** Stops background sending and closes pooled connections; storage is closed by the caller. */
export async function stopFederationServices(services: FederationServices): Promise<void> {
  await services.outboundQueue.stop();
  services.client.close();
}
