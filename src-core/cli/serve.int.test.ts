import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requestJson } from '../testing/https-request';
import { runServeCommand, startServerProcess } from '../testing/server-process';
import type { ServerProcess } from '../testing/server-process';

const running: ServerProcess[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop('SIGKILL');
});

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'skein-serve-'));
}

describe('skein serve (as a separate process over real HTTPS)', () => {
  it('--help documents every flag and exits 0 without touching the data dir', async () => {
    const dataDir = path.join(tempDir(), 'never-created');
    const run = runServeCommand(['--help', '--data-dir', dataDir]);
    expect(await run.exited).toBe(0);
    for (const flag of [
      '--data-dir',
      '--server-name',
      '--listen',
      '--registration',
      '--insecure-skip-tls-verify',
      '--config',
    ]) {
      expect(run.stdout()).toContain(flag);
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses an unknown flag with exit code 2 and a message', async () => {
    const run = runServeCommand(['--no-such-flag']);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/no-such-flag/);
  });

  it('starts in a data dir holding unrelated files, answers within 10 s, stops within 5 s of SIGTERM', async () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, 'notes.txt'), 'not ours');
    const started = Date.now();
    const server = await startServerProcess({ dataDir });
    running.push(server);
    const ca = readFileSync(path.join(dataDir, 'tls.crt'), 'utf8');
    const versions = await requestJson(`${server.baseUrl}/_matrix/client/versions`, { ca });
    const federation = await requestJson(`${server.baseUrl}/_matrix/federation/v1/version`, { ca });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(versions.status).toBe(200);
    expect((versions.body as { versions: string[] }).versions).toContain('v1.11');
    expect(federation.body).toEqual({ server: { name: 'Skein', version: expect.any(String) } });
    expect(server.stdout()).toMatch(new RegExp(`ready: .*${server.baseUrl}`));
    expect(readFileSync(path.join(dataDir, 'notes.txt'), 'utf8')).toBe('not ours');

    const { code, ms } = await server.stop('SIGTERM');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5_000);
  });

  it('reuses its signing key and TLS certificate across restarts', async () => {
    const dataDir = tempDir();
    const first = await startServerProcess({ dataDir });
    running.push(first);
    const keysBefore = await requestJson(`${first.baseUrl}/_matrix/key/v2/server`);
    const certBefore = readFileSync(path.join(dataDir, 'tls.crt'), 'utf8');
    await first.stop();

    const second = await startServerProcess({ dataDir, serverName: first.serverName });
    running.push(second);
    const keysAfter = await requestJson(`${second.baseUrl}/_matrix/key/v2/server`);
    const verifyKeys = (body: unknown) => (body as { verify_keys: unknown }).verify_keys;
    expect(verifyKeys(keysAfter.body)).toEqual(verifyKeys(keysBefore.body));
    expect(readFileSync(path.join(dataDir, 'tls.crt'), 'utf8')).toBe(certBefore);
  });

  it('answers unknown endpoints with 404 M_UNRECOGNIZED', async () => {
    const server = await startServerProcess({ dataDir: tempDir() });
    running.push(server);
    const response = await requestJson(`${server.baseUrl}/_matrix/client/v3/nonsense`);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ errcode: 'M_UNRECOGNIZED' });
  });
});
