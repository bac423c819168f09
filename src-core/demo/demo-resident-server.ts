/**
 * A real Skein homeserver started in-process on loopback for the demo federation: a fresh data
 * dir under the OS temp dir (removed on stop), silent, and accepting the other demo servers'
 * self-signed certificates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultConfig } from '../config/homeserver-config';
import { Homeserver } from '../homeserver';
import { silentLogger } from '../logging/logger';
import { freePort } from '../testing/free-port';

export interface DemoResidentServer {
  homeserver: Homeserver;
  stop(): Promise<void>;
}

export async function startDemoResidentServer(): Promise<DemoResidentServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'skein-demo-'));
  const config = defaultConfig(process.cwd());
  config.dataDir = dataDir;
  config.serverName = `127.0.0.1:${port}`;
  config.listen = { host: '127.0.0.1', port };
  config.logLevel = 'silent';
  // Every server it talks to is another demo server on loopback, or the local server.
  config.federation.insecureSkipTlsVerify = true;
  let homeserver: Homeserver;
  try {
    homeserver = await Homeserver.start(config, { logger: silentLogger });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    homeserver,
    async stop() {
      await homeserver.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
