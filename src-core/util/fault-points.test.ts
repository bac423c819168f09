import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { faultInjectionActive, faultPoint, requestLabel } from './fault-points';

const MODULE = fileURLToPath(new URL('./fault-points.ts', import.meta.url));

/** Runs three fault points in a fresh process with the given environment. */
function runPoints(env: Record<string, string>) {
  const script = `
    const { faultPoint } = await import(${JSON.stringify(MODULE)});
    faultPoint('transaction', () => 'first');
    faultPoint('request', () => 'GET  /x');
    faultPoint('response', () => 'GET /x -> 200');
    process.stdout.write('survived');
  `;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, SKEIN_FAULT_AT: '', SKEIN_FAULT_LOG: '', ...env },
    encoding: 'utf8',
  });
}

describe('fault points', () => {
  it('are inert in a process started without SKEIN_FAULT_AT or SKEIN_FAULT_LOG', () => {
    expect(faultInjectionActive()).toBe(false);
    let labelled = false;
    faultPoint('transaction', () => {
      labelled = true;
      return 'never built';
    });
    expect(labelled).toBe(false);
  });

  it('SIGKILL the process at the n-th point, after logging it', () => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), 'skein-faults-')), 'faults.log');
    const run = runPoints({ SKEIN_FAULT_AT: '2', SKEIN_FAULT_LOG: log });
    expect(run.signal).toBe('SIGKILL');
    expect(run.stdout).toBe('');
    expect(readFileSync(log, 'utf8')).toBe(
      '1\ttransaction\tfirst\n2\trequest\tGET /x\nKILL\t2\trequest\tGET /x\n',
    );
  });

  it('only log when no kill point is set', () => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), 'skein-faults-')), 'faults.log');
    const run = runPoints({ SKEIN_FAULT_LOG: log });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('survived');
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('label requests without their identifiers', () => {
    expect(requestLabel('PUT', '/_matrix/federation/v2/send_join/!r%3Ax/%24e')).toBe(
      'PUT /_matrix/federation/v2/send_join/:id/:id',
    );
  });
});
