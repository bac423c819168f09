/**
 * `npm run serve`: the headless homeserver. Prints one ready line naming the URLs on stdout;
 * logs go to stderr as JSON lines. Exits cleanly on SIGINT/SIGTERM.
 */
import process from 'node:process';
import { parseCommandLine, HELP_TEXT } from '../config/command-line';
import { ConfigError } from '../config/homeserver-config';
import { Homeserver } from '../homeserver';
import { createLogger } from '../logging/logger';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(process.argv.slice(2), process.cwd());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`skein: ${error.message}\n\n${HELP_TEXT}`);
      return 2;
    }
    throw error;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(HELP_TEXT);
    return 0;
  }
  const { config } = parsed;
  const logger = createLogger({ level: config.logLevel });
  const homeserver = await Homeserver.start(config, { logger });
  process.stdout.write(
    `Skein ${config.serverName} ready: client+federation API ${homeserver.baseUrl}/_matrix/ ` +
      `admin ${homeserver.baseUrl}/_skein/admin/ (token in ${homeserver.adminTokenFile}) ` +
      `(data: ${config.dataDir})\n`,
  );

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string): void => {
      logger.info('shutting down', { signal });
      resolve();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  await homeserver.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `skein: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
