/**
 * matrix-js-sdk clients for black-box tests: each talks to the server under test over HTTPS with
 * a fetch that trusts only the server's own certificate, and logs into a bounded in-memory buffer
 * (the SDK is chatty at debug level; tests show the buffer when a wait fails).
 */
import { ClientEvent, SyncState, createClient } from 'matrix-js-sdk';
import type { ICreateClientOpts, IStartClientOpts, MatrixClient } from 'matrix-js-sdk';
import { logger as sdkGlobalLogger } from 'matrix-js-sdk/lib/logger';
import type { Logger } from 'matrix-js-sdk/lib/logger';
import { waitForEvent } from './wait-for-event';

const KEPT_LOG_LINES = 200;

/** Keeps the SDK's warnings and errors, dropping the rest. */
export class BufferedSdkLogger implements Logger {
  readonly lines: string[] = [];

  constructor(private readonly prefix = 'sdk') {}

  private keep(level: string, msg: unknown[]): void {
    const text = msg.map((part) => (part instanceof Error ? part.message : String(part)));
    this.lines.push(`${this.prefix} ${level}: ${text.join(' ')}`);
    if (this.lines.length > KEPT_LOG_LINES) this.lines.shift();
  }

  trace(): void {}
  debug(): void {}
  info(): void {}
  warn(...msg: unknown[]): void {
    this.keep('warn', msg);
  }
  error(...msg: unknown[]): void {
    this.keep('error', msg);
  }
  getChild(namespace: string): Logger {
    const child = new BufferedSdkLogger(`${this.prefix}:${namespace}`);
    // Children share the parent's buffer so one place shows everything.
    (child as { lines: string[] }).lines = this.lines;
    return child;
  }
}

/**
 * Some SDK modules log through its global loglevel logger rather than the client's; keep only
 * its warnings and errors on the console. (The SDK's typings hide loglevel's `setLevel`.)
 */
export function quietSdkGlobalLogger(): void {
  (sdkGlobalLogger as unknown as { setLevel(level: 'warn'): void }).setLevel('warn');
}

export interface SdkClientOptions {
  baseUrl: string;
  fetchFn: typeof globalThis.fetch;
  userId?: string;
  accessToken?: string;
  deviceId?: string;
}

export function createSdkClient(options: SdkClientOptions): {
  client: MatrixClient;
  logger: BufferedSdkLogger;
} {
  const logger = new BufferedSdkLogger(options.userId ?? 'anonymous');
  const opts: ICreateClientOpts = {
    baseUrl: options.baseUrl,
    fetchFn: options.fetchFn,
    logger,
    ...(options.userId === undefined ? {} : { userId: options.userId }),
    ...(options.accessToken === undefined ? {} : { accessToken: options.accessToken }),
    ...(options.deviceId === undefined ? {} : { deviceId: options.deviceId }),
  };
  return { client: createClient(opts), logger };
}

/** Starts the client and waits for its first sync to complete (`PREPARED`). */
export async function startClientPrepared(
  client: MatrixClient,
  opts: IStartClientOpts,
  timeoutMs: number,
): Promise<void> {
  const prepared = waitForEvent(
    client,
    ClientEvent.Sync,
    (state: SyncState) => state === SyncState.Prepared,
    timeoutMs,
    `${client.getUserId() ?? 'client'} to reach PREPARED`,
  );
  await client.startClient(opts);
  await prepared;
}
