/**
 * A `skein serve` process for the crash-safety harness: started with or without the fault hook
 * (`SKEIN_FAULT_AT` / `SKEIN_FAULT_LOG`), on a fixed port and server name so a restart on the
 * same data directory is the same server to its peers. Unlike `startServerProcess`, a death
 * before the ready line is an expected outcome (the kill point may fall during start-up).
 */
import { runServeCommand } from './server-process';

export interface CrashJoinerOptions {
  dataDir: string;
  port: number;
  serverName: string;
  faultAt?: number;
  faultLog?: string;
  readyTimeoutMs?: number;
}

export interface CrashJoinerProcess {
  baseUrl: string;
  serverName: string;
  /** Resolves when the process ends, with the signal that ended it (null for a clean exit). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export async function startCrashJoiner(
  options: CrashJoinerOptions,
): Promise<{ process: CrashJoinerProcess; ready: boolean }> {
  const env: NodeJS.ProcessEnv = { SKEIN_FAULT_AT: '', SKEIN_FAULT_LOG: '' };
  if (options.faultAt !== undefined) env['SKEIN_FAULT_AT'] = String(options.faultAt);
  if (options.faultLog !== undefined) env['SKEIN_FAULT_LOG'] = options.faultLog;
  const run = runServeCommand(
    [
      '--data-dir',
      options.dataDir,
      '--listen',
      `127.0.0.1:${options.port}`,
      '--server-name',
      options.serverName,
      '--log-level',
      'warn',
      // The resident is a self-signed loopback server.
      '--insecure-skip-tls-verify',
    ],
    { env },
  );
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    run.child.once('exit', (code, signal) => {
      ended = true;
      resolve({ code, signal });
    }),
  );
  const process: CrashJoinerProcess = {
    baseUrl: `https://127.0.0.1:${options.port}`,
    serverName: options.serverName,
    exited,
    alive: () => !ended,
    stderr: run.stderr,
    async stop(graceMs = 5_000) {
      if (ended) return;
      run.child.kill('SIGTERM');
      const timer = setTimeout(() => run.child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  while (!/ ready: /.test(run.stdout())) {
    if (ended) return { process, ready: false };
    if (Date.now() > deadline) {
      run.child.kill('SIGKILL');
      await exited;
      throw new Error(`joiner not ready in time:\n${run.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { process, ready: true };
}
