/**
 * Test-only crash injection for the crash-safety harness (issue 7 §1).
 *
 * INERT unless the environment sets `SKEIN_FAULT_AT` or `SKEIN_FAULT_LOG` when the process
 * starts: then every call is a single boolean check. Production code calls `faultPoint` at the
 * places where a crash is most interesting:
 * - `transaction`: inside an outermost write transaction, after its work ran, before COMMIT;
 * - `request`: just before an outbound federation request is sent;
 * - `response`: just after its response arrived, before anything uses it.
 *
 * `SKEIN_FAULT_AT=n` kills the process with SIGKILL at the n-th fault point (counted from 1
 * across all kinds, from process start) — no handler, no flush, exactly like a power cut of the
 * process. `SKEIN_FAULT_LOG=path` appends one line per fault point passed (`n kind label`) and
 * a `KILL` line before dying, so a harness can count the points of a dry run and then see where
 * each kill landed.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export type FaultPointKind = 'transaction' | 'request' | 'response';

interface FaultSettings {
  killAt: number | undefined;
  logFd: number | undefined;
}

function readSettings(env: NodeJS.ProcessEnv): FaultSettings | undefined {
  const at = env['SKEIN_FAULT_AT'];
  const logPath = env['SKEIN_FAULT_LOG'];
  if ((at === undefined || at === '') && (logPath === undefined || logPath === '')) {
    return undefined;
  }
  const killAt = at === undefined || at === '' ? undefined : Number(at);
  if (killAt !== undefined && (!Number.isInteger(killAt) || killAt < 1)) {
    throw new Error(`SKEIN_FAULT_AT must be a positive integer, got ${JSON.stringify(at)}`);
  }
  return {
    killAt,
    logFd: logPath === undefined || logPath === '' ? undefined : openSync(logPath, 'a'),
  };
}

// Process-wide by nature: the count spans every database and client of the process.
const settings = readSettings(process.env);
let passed = 0;

/** True when this process was started with fault injection (for tests of the hook itself). */
export function faultInjectionActive(): boolean {
  return settings !== undefined;
}

/**
 * Marks one fault point. `label` is only evaluated when injection is active, so callers may
 * build it lazily (e.g. from a stack trace) at no cost in production.
 */
export function faultPoint(kind: FaultPointKind, label: () => string): void {
  if (settings === undefined) return;
  passed += 1;
  const line = `${passed}\t${kind}\t${label().replace(/\s+/g, ' ')}\n`;
  if (settings.logFd !== undefined) writeSync(settings.logFd, line);
  if (passed !== settings.killAt) return;
  if (settings.logFd !== undefined) {
    writeSync(settings.logFd, `KILL\t${line}`);
    closeSync(settings.logFd);
  }
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL to ourselves is delivered as the syscall returns; never run another line regardless.
  const parked = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(parked, 0, 0, 1_000);
}

/**
 * Where a transaction was opened from: the first two stack frames outside the storage plumbing,
 * as `dir/file.ts:line`. Only called while injection is active.
 */
export function callerLabel(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  const picked: string[] = [];
  for (const frame of frames) {
    const match = /src-core\/([^:)]+):(\d+)/.exec(frame);
    if (!match) continue;
    const file = match[1] ?? '';
    if (file === 'util/fault-points.ts' || file === 'storage/database.ts') continue;
    picked.push(`${file}:${match[2] ?? ''}`);
    if (picked.length === 2) break;
  }
  return picked.length === 0 ? 'unknown' : picked.join(' < ');
}

/** `PUT /_matrix/federation/v2/send_join/:id/:id` — identifiers removed, for readable labels. */
export function requestLabel(method: string, path: string): string {
  return `${method} ${path
    .split('/')
    .map((segment) => (/[%!$@]/.test(segment) ? ':id' : segment))
    .join('/')}`;
}
