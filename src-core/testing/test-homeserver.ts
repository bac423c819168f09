/**
 * Starts a real Homeserver in this process on a free loopback port with a fresh data dir — for
 * integration tests that need several servers or access to internals. Black-box tests of the
 * command itself use server-process.ts instead.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultConfig } from '../config/homeserver-config';
import type { HomeserverConfig } from '../config/homeserver-config';
import { Homeserver } from '../homeserver';
import { silentLogger } from '../logging/logger';
import type { Logger } from '../logging/logger';
import type { Clock } from '../util/clock';
import { freePort } from './free-port';

export async function startTestHomeserver(
  options: {
    dataDir?: string;
    configure?: (config: HomeserverConfig) => void;
    logger?: Logger;
    clock?: Clock;
  } = {},
): Promise<Homeserver> {
  const port = await freePort();
  const config = defaultConfig(process.cwd());
  config.dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'skein-hs-'));
  config.serverName = `127.0.0.1:${port}`;
  config.listen = { host: '127.0.0.1', port };
  config.logLevel = 'silent';
  // Test federations are made of self-signed servers on loopback.
  config.federation.insecureSkipTlsVerify = true;
  options.configure?.(config);
  return Homeserver.start(config, {
    logger: options.logger ?? silentLogger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
}
