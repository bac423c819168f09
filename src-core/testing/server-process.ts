/**
 * Runs `skein serve` as a separate process, exactly as a user would, for black-box tests:
 * waits for its ready line, and stops it with a signal.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVE_ENTRY = fileURLToPath(new URL('../cli/serve.ts', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  serverName: string;
  port: number;
  dataDir: string;
  stdout: () => string;
  stderr: () => string;
  /** Sends `signal` and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

export function runServeCommand(args: string[], options: { env?: NodeJS.ProcessEnv } = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVE_ENTRY, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

export async function startServerProcess(options: {
  dataDir: string;
  serverName?: string;
  /** Listen on this port (to restart on the same address); a free one otherwise. */
  port?: number;
  extraArgs?: string[];
  readyTimeoutMs?: number;
}): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const serverName = options.serverName ?? `127.0.0.1:${port}`;
  const run = runServeCommand([
    '--data-dir',
    options.dataDir,
    '--listen',
    `127.0.0.1:${port}`,
    '--server-name',
    serverName,
    '--log-level',
    'warn',
    ...(options.extraArgs ?? []),
  ]);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  while (!/ ready: /.test(run.stdout())) {
    if (run.child.exitCode !== null) {
      throw new Error(`server exited with ${run.child.exitCode} before ready:\n${run.stderr()}`);
    }
    if (Date.now() > deadline) {
      run.child.kill('SIGKILL');
      throw new Error(`server not ready in time:\n${run.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child: run.child,
    baseUrl: `https://127.0.0.1:${port}`,
    serverName,
    port,
    dataDir: options.dataDir,
    stdout: run.stdout,
    stderr: run.stderr,
    async stop(signal = 'SIGTERM') {
      const started = Date.now();
      if (run.child.exitCode !== null) return { code: run.child.exitCode, ms: 0 };
      run.child.kill(signal);
      const code = await run.exited;
      return { code, ms: Date.now() - started };
    },
  };
}
